// The intrusive doubly linked list (kernel/core/list.h).
#include <gtest/gtest.h>

#include <vector>

#include "lib/list.h"

namespace kiln {
namespace {

// The nodes are not at offset 0, and an element can sit on two lists at once.
struct Item {
  int value = 0;
  char pad[13] = {};
  ListNode run;
  ListNode all;
  explicit Item(int v = 0) : value(v) {}
};
using RunList = List<Item, &Item::run>;
using AllList = List<Item, &Item::all>;

template <typename L>
std::vector<int> values(const L& l) {
  std::vector<int> v;
  for (Item* i = l.front(); i; i = l.next_of(i)) v.push_back(i->value);
  return v;
}

TEST(List, StartsEmpty) {
  RunList l;
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.size(), 0u);
  EXPECT_EQ(l.front(), nullptr);
  EXPECT_EQ(l.back(), nullptr);
  EXPECT_EQ(l.pop_front(), nullptr);
  Item i;
  EXPECT_FALSE(i.run.linked());
}

TEST(List, PushBackAndFrontKeepOrder) {
  RunList l;
  Item a(1), b(2), c(3), d(4);
  l.push_back(&b);
  l.push_back(&c);
  l.push_front(&a);
  l.push_back(&d);
  EXPECT_EQ(values(l), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(l.size(), 4u);
  EXPECT_FALSE(l.empty());
  EXPECT_EQ(l.front(), &a);
  EXPECT_EQ(l.back(), &d);
  EXPECT_EQ(l.next_of(&d), nullptr);
  EXPECT_TRUE(a.run.linked());
}

TEST(List, RemoveHeadMiddleTailAndOnlyElement) {
  RunList l;
  Item a(1), b(2), c(3), d(4);
  for (Item* i : {&a, &b, &c, &d}) l.push_back(i);
  l.remove(&b);
  EXPECT_FALSE(b.run.linked());
  EXPECT_EQ(b.run.prev, nullptr);
  EXPECT_EQ(values(l), (std::vector<int>{1, 3, 4}));
  l.remove(&a);
  EXPECT_EQ(l.front(), &c);
  l.remove(&d);
  EXPECT_EQ(l.back(), &c);
  EXPECT_EQ(values(l), (std::vector<int>{3}));
  l.remove(&c);
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.size(), 0u);
  EXPECT_EQ(l.front(), nullptr);
  // The list works again after being emptied.
  l.push_front(&d);
  l.push_front(&a);
  EXPECT_EQ(values(l), (std::vector<int>{1, 4}));
}

TEST(List, InsertBeforeElement) {
  RunList l;
  Item a(1), b(2), c(3), d(4), e(5);
  l.insert_before_elem(nullptr, &c);  // nullptr: at the end
  l.insert_before_elem(&c, &a);
  l.insert_before_elem(&c, &b);
  l.insert_before_elem(nullptr, &e);
  l.insert_before_elem(&e, &d);
  EXPECT_EQ(values(l), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(l.size(), 5u);
}

TEST(List, PopFrontDrainsInOrder) {
  RunList l;
  Item items[6];
  for (int i = 0; i < 6; i++) {
    items[i].value = i;
    l.push_back(&items[i]);
  }
  for (int i = 0; i < 6; i++) {
    Item* t = l.pop_front();
    ASSERT_EQ(t, &items[i]);
    EXPECT_FALSE(t->run.linked());
    EXPECT_EQ(l.size(), size_t(5 - i));
  }
  EXPECT_EQ(l.pop_front(), nullptr);
}

TEST(List, OneElementOnTwoLists) {
  RunList run;
  AllList all;
  Item a(1), b(2), c(3);
  for (Item* i : {&a, &b, &c}) all.push_back(i);
  run.push_back(&c);
  run.push_back(&a);
  EXPECT_EQ(values(all), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(values(run), (std::vector<int>{3, 1}));
  run.remove(&c);
  EXPECT_TRUE(c.all.linked()) << "the other list is untouched";
  EXPECT_EQ(values(all), (std::vector<int>{1, 2, 3}));
  all.remove(&a);
  EXPECT_EQ(values(run), (std::vector<int>{1}));
  EXPECT_EQ(run.front(), &a) << "the element is found from its node";
}

TEST(List, RemovingWhileWalking) {
  RunList l;
  Item items[10];
  for (int i = 0; i < 10; i++) {
    items[i].value = i;
    l.push_back(&items[i]);
  }
  for (Item* i = l.front(); i;) {
    Item* next = l.next_of(i);
    if (i->value % 3 == 0) l.remove(i);
    i = next;
  }
  EXPECT_EQ(values(l), (std::vector<int>{1, 2, 4, 5, 7, 8}));
  EXPECT_EQ(l.size(), 6u);
}

}  // namespace
}  // namespace kiln
