// Small host helpers shared by the subcommands: files, paths, quoting.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::cli {

namespace fs = std::filesystem;

using Bytes = std::vector<uint8_t>;

// Reads a whole file; throws Failure with "WHAT PATH: reason" on error.
Bytes read_file(const fs::path& path, std::string_view what);
std::string read_text(const fs::path& path);  // "" if it cannot be read

// Writes DATA to PATH through a temporary file in the same directory and a
// rename, so a reader never sees a half-written file. MODE is applied first.
void write_file_atomic(const fs::path& path, const Bytes& data, unsigned mode);
void write_text(const fs::path& path, std::string_view text);

// The directory holding the running kiln executable (via /proc/self/exe).
fs::path exe_dir();

// Where unbaked kernels live: $KILN_KERNEL_DIR, else <exe dir>/../share/kiln/kernel.
fs::path kernel_dir();

// Quotes one word for a POSIX shell; words that need nothing stay bare.
std::string shell_quote(std::string_view word);
std::string shell_join(const std::vector<std::string>& words);

// Splits a string the way sh would split a simple command line: blanks
// separate words; '...', "..." and backslash quote. Throws UsageError on an
// unterminated quote.
std::vector<std::string> shell_split(std::string_view text);

// Parses a decimal number in [lo, hi]; nullopt-like failure via bool.
bool parse_uint(std::string_view text, uint64_t lo, uint64_t hi, uint64_t& out);

std::string errno_string(int err);
std::string_view getenv_view(const char* name);  // "" if unset

}  // namespace kiln::cli
