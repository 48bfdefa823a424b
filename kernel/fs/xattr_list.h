// A node's extended attributes held in memory (tmpfs): names with their
// values, in the order they were first set. Portable. Names arrive checked
// (namespace, length) by the caller, NUL-terminated.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::fs {

class XattrList {
 public:
  XattrList() = default;
  XattrList(const XattrList&) = delete;
  XattrList& operator=(const XattrList&) = delete;
  ~XattrList();

  // The value's size; copies it out when cap != 0 (-ERANGE if it does not
  // fit). -ENODATA if there is none.
  [[nodiscard]] long get(const char* name, void* buf, size_t cap) const;
  // Sets or replaces (XATTR_CREATE: -EEXIST if present; XATTR_REPLACE:
  // -ENODATA if absent). -ENOMEM.
  [[nodiscard]] long set(const char* name, const void* value, size_t size, int flags);
  [[nodiscard]] long remove(const char* name);
  // The names, each NUL-terminated, one after the other; `visible` picks
  // which (trusted.* is root's only). The total length; copies when cap
  // != 0 (-ERANGE if it does not fit).
  [[nodiscard]] long list(char* buf, size_t cap, bool (*visible)(const char* name)) const;

 private:
  struct Item {
    Item* next;
    size_t name_len;  // with its NUL
    size_t size;
    char data[1];     // name, NUL, value
  };
  Item** find(const char* name);
  Item* items_ = nullptr;
};

}  // namespace kiln::fs
