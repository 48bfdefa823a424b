// An intrusive doubly linked list: the node lives inside the element, so
// queuing a thread never allocates. Portable.
#pragma once

#include <stddef.h>

namespace kiln {

struct ListNode {
  ListNode* prev = nullptr;
  ListNode* next = nullptr;
  bool linked() const { return next != nullptr; }
};

template <typename T, ListNode T::*Node>
class List {
 public:
  List() { head_.prev = head_.next = &head_; }
  List(const List&) = delete;
  List& operator=(const List&) = delete;

  bool empty() const { return head_.next == &head_; }
  size_t size() const { return size_; }
  T* front() const { return empty() ? nullptr : from(head_.next); }
  T* back() const { return empty() ? nullptr : from(head_.prev); }
  T* next_of(T* t) const {
    ListNode* n = (t->*Node).next;
    return n == &head_ ? nullptr : from(n);
  }

  void push_back(T* t) { insert_before(&head_, t); }
  void push_front(T* t) { insert_before(head_.next, t); }
  // Inserts t before `pos` (nullptr: at the end).
  void insert_before_elem(T* pos, T* t) { insert_before(pos ? &(pos->*Node) : &head_, t); }
  void remove(T* t) {
    ListNode& n = t->*Node;
    n.prev->next = n.next;
    n.next->prev = n.prev;
    n.prev = n.next = nullptr;
    size_--;
  }
  T* pop_front() {
    T* t = front();
    if (t) remove(t);
    return t;
  }

 private:
  static T* from(ListNode* n) {
    auto offset = reinterpret_cast<size_t>(&(static_cast<T*>(nullptr)->*Node));
    return reinterpret_cast<T*>(reinterpret_cast<char*>(n) - offset);
  }
  void insert_before(ListNode* pos, T* t) {
    ListNode& n = t->*Node;
    n.next = pos;
    n.prev = pos->prev;
    pos->prev->next = &n;
    pos->prev = &n;
    size_++;
  }

  ListNode head_;
  size_t size_ = 0;
};

}  // namespace kiln
