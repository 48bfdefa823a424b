// tmpfs: files in memory. The root file system (populated from the
// payload), /tmp, /dev/shm, and the skeleton of devfs.
#pragma once

#include "fs/node.h"

namespace kiln::fs {

// Current time for new and changed nodes; set once by the kernel (and by tests).
void set_clock(Time (*now)());
Time fs_now();

// A fresh, empty tmpfs; `max_bytes` bounds its file data (0: no bound).
// Its root directory has `root_mode` (01777 suits /tmp, 0755 suits / and /dev).
FileSystem* tmpfs_create(uint64_t max_bytes, const char* type_name = "tmpfs",
                         uint32_t root_mode = 01777);

// Makes an empty tmpfs regular file show `data` (which must outlive the
// file system, e.g. the baked payload) without copying it; the first change
// to the file copies it into the file's own pages.
[[nodiscard]] long tmpfs_adopt(Node* file, const uint8_t* data, uint64_t size);

}  // namespace kiln::fs
