// The console of a background guest as its keeper (console_keeper.h)
// stores it in the run directory, and as `kiln logs` reads it back:
//
//   console.log     the bytes, as they came
//   console.times   "OFFSET UNIX_NS" lines: the bytes of console.log from
//                   OFFSET on arrived at that host time (one line per read
//                   from QEMU, not per console line, so it costs little)
//
// At `max_bytes` the pair becomes console.log.1 and console.times.1 (the
// older pair goes) and a new one starts: a guest keeps between max_bytes
// and twice that of its newest output, so a chatty guest never fills the
// disk and its last words (a crash report) are always there.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util.h"

namespace kiln::cli {

inline constexpr uint64_t kDefaultLogBytes = 4 << 20;
inline constexpr uint64_t kMinLogBytes = 4096;

// "2026-12-07T23:36:47.123456Z": UTC, to the microsecond.
std::string format_arrival(int64_t unix_ns);

class ConsoleLogWriter {
 public:
  // Opens (creating if need be) the current pair in the directory DIR_FD.
  ConsoleLogWriter(int dir_fd, uint64_t max_bytes);
  ~ConsoleLogWriter();
  ConsoleLogWriter(const ConsoleLogWriter&) = delete;
  ConsoleLogWriter& operator=(const ConsoleLogWriter&) = delete;

  // Bytes that arrived at ARRIVAL_NS. A failed write (disk full, directory
  // removed by `kiln stop`) loses them but never stops the keeper: the guest
  // must not stall on its console.
  void append(std::string_view bytes, int64_t arrival_ns);

 private:
  void open_current();
  void rotate();

  int dir_;
  int log_ = -1, times_ = -1;
  uint64_t size_ = 0;
  uint64_t max_;
};

// Reads the console of one run directory.
class ConsoleLogReader {
 public:
  ConsoleLogReader(const fs::path& dir, bool timestamps);
  ~ConsoleLogReader();
  ConsoleLogReader(const ConsoleLogReader&) = delete;
  ConsoleLogReader& operator=(const ConsoleLogReader&) = delete;

  // Writes what is there, the older file first; each line begins with the
  // time it (its first byte) arrived, if timestamps were asked for.
  void print(std::FILE* out);
  // Then writes what comes next, across rotations, until WRITER_GONE says
  // the keeper has finished and all it wrote is out.
  void follow(std::FILE* out, const std::function<bool()>& writer_gone);

 private:
  struct File {
    int log = -1, times = -1;
    uint64_t offset = 0;    // of console.log, read up to here
    std::string times_tail;  // a console.times line not complete yet
    std::vector<std::pair<uint64_t, int64_t>> marks;  // (offset, arrival), in order
    size_t mark = 0;        // the one in force at `offset`
    uint64_t inode = 0;
    void close();
  };
  bool open(File& f, const char* log, const char* times);
  void open_both();
  bool current_moved();
  void pump(File& f, std::FILE* out);
  void read_marks(File& f);
  int64_t arrival_at(File& f, uint64_t offset);

  fs::path dir_;
  bool timestamps_;
  bool line_start_ = true;  // the next byte begins a line (across files too)
  File older_, current_;
};

}  // namespace kiln::cli
