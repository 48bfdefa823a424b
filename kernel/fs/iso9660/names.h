// File names of directory records without Rock Ridge: the plain ISO 9660
// identifier as Linux's map=normal shows it, and Joliet's UCS-2 names.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::fs::iso9660 {

// Linux's map=normal: lower case, the ";1" version (and a '.' before it)
// dropped, other ';' and '/' turned into '.', stopping at a NUL. `out` has
// room for 255 bytes (identifiers are at most 222); returns the length.
size_t plain_name(const uint8_t* id, size_t len, char* out);

// A Joliet identifier (UCS-2 big-endian, surrogate pairs allowed) as UTF-8:
// ";1" and trailing dots dropped, stopping at a NUL, unpaired surrogates as
// '?', cut at a character boundary to fit `cap` bytes. Returns the length.
size_t joliet_name(const uint8_t* id, size_t len, char* out, size_t cap);

// Whether a name can be a directory entry: not empty, ".", "..", and without
// '/' or NUL. Entries with other names are not shown.
bool valid_entry_name(const char* name, size_t len);

}  // namespace kiln::fs::iso9660
