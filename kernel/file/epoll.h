// epoll instances (file/epoll.cpp); the syscalls are in sys_fd.cpp.
#pragma once

#include <stdint.h>

#include "file/file.h"

namespace kiln {

File* make_epoll(uint32_t flags);
// epoll_ctl on an epoll file; `target` is the file behind `fd`.
[[nodiscard]] long epoll_control(File* ep, int op, int fd, File* target, uint64_t uevent);
// Waits until events are ready (deadline 0: forever; ~0: do not wait),
// copies up to `max` to user memory, returns how many, 0 or -errno.
[[nodiscard]] long epoll_wait_events(File* ep, uint64_t uevents, int max, uint64_t deadline);

}  // namespace kiln
