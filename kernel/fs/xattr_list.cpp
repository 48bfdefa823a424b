#include "fs/xattr_list.h"

#include "abi/linux/errno.h"
#include "abi/linux/xattr.h"
#include "lib/mem.h"

namespace kiln::fs {

XattrList::~XattrList() {
  while (Item* it = items_) {
    items_ = it->next;
    delete[] reinterpret_cast<uint8_t*>(it);
  }
}

XattrList::Item** XattrList::find(const char* name) {
  Item** at = &items_;
  while (*at && strcmp((*at)->data, name) != 0) at = &(*at)->next;
  return at;
}

long XattrList::get(const char* name, void* buf, size_t cap) const {
  Item* it = *const_cast<XattrList*>(this)->find(name);
  if (!it) return -kENODATA;
  if (cap && cap < it->size) return -kERANGE;
  if (cap) memcpy(buf, it->data + it->name_len, it->size);
  return long(it->size);
}

long XattrList::set(const char* name, const void* value, size_t size, int flags) {
  Item** at = find(name);
  if (*at && (flags & kXATTR_CREATE)) return -kEEXIST;
  if (!*at && (flags & kXATTR_REPLACE)) return -kENODATA;
  size_t name_len = strlen(name) + 1;
  auto raw = new uint8_t[sizeof(Item) + name_len + size];
  if (!raw) return -kENOMEM;
  auto it = reinterpret_cast<Item*>(raw);
  it->name_len = name_len;
  it->size = size;
  memcpy(it->data, name, name_len);
  if (size) memcpy(it->data + name_len, value, size);
  // A replaced value keeps its place in the list.
  it->next = *at ? (*at)->next : nullptr;
  if (*at) delete[] reinterpret_cast<uint8_t*>(*at);
  *at = it;
  return 0;
}

long XattrList::remove(const char* name) {
  Item** at = find(name);
  if (!*at) return -kENODATA;
  Item* it = *at;
  *at = it->next;
  delete[] reinterpret_cast<uint8_t*>(it);
  return 0;
}

long XattrList::list(char* buf, size_t cap, bool (*visible)(const char* name)) const {
  size_t total = 0;
  for (Item* it = items_; it; it = it->next) {
    if (!visible(it->data)) continue;
    if (cap && total + it->name_len > cap) return -kERANGE;
    if (cap) memcpy(buf + total, it->data, it->name_len);
    total += it->name_len;
  }
  return long(total);
}

}  // namespace kiln::fs
