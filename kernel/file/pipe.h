// Anonymous pipes.
#pragma once

#include "file/file.h"

namespace kiln {

// Creates both ends (O_RDONLY / O_WRONLY); 0 or -ENOMEM.
[[nodiscard]] long make_pipe(File** read_end, File** write_end);

// For splice, tee and vmsplice, on a File of kind FileKind::Pipe.
// Bytes waiting in the pipe (a read end), room left (a write end).
size_t pipe_used(File* read_end);
size_t pipe_room(File* write_end);
// Whether two ends belong to one pipe.
bool pipe_same(File* a, File* b);
// Whether the other side is open (writers for a read end, readers for a
// write end).
bool pipe_peer_open(File* end);
// Copies the first n (<= pipe_used) bytes to user memory, leaving them
// in the pipe; false on a fault.
bool pipe_peek(File* read_end, uint64_t ubuf, size_t n);
// Drops the first n (<= pipe_used) bytes, waking writers.
void pipe_consume(File* read_end, size_t n);

}  // namespace kiln
