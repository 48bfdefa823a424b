#include "console_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace kiln::cli {

namespace {

constexpr char kLog[] = "console.log", kTimes[] = "console.times";
constexpr char kOldLog[] = "console.log.1", kOldTimes[] = "console.times.1";
// A stamp where console.times says nothing (a file damaged or removed).
constexpr char kNoStamp[] = "-                          ";

void write_all(int fd, const char* p, size_t n) {
  while (n && fd >= 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= static_cast<size_t>(w);
  }
}

uint64_t inode_of(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace

std::string format_arrival(int64_t unix_ns) {
  std::time_t secs = static_cast<std::time_t>(unix_ns / 1000000000);
  std::tm utc{};
  ::gmtime_r(&secs, &utc);
  char text[40];
  size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%06ldZ", static_cast<long>(unix_ns % 1000000000 / 1000));
  return text;
}

ConsoleLogWriter::ConsoleLogWriter(int dir_fd, uint64_t max_bytes)
    : dir_(dir_fd), max_(max_bytes < kMinLogBytes ? kMinLogBytes : max_bytes) {
  open_current();
}

ConsoleLogWriter::~ConsoleLogWriter() {
  if (log_ >= 0) ::close(log_);
  if (times_ >= 0) ::close(times_);
}

// console.times before console.log, at creation as at rotation: see
// ConsoleLogReader::open_both for why the order matters.
void ConsoleLogWriter::open_current() {
  times_ = ::openat(dir_, kTimes, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  log_ = ::openat(dir_, kLog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  struct stat st {};
  size_ = log_ >= 0 && ::fstat(log_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

void ConsoleLogWriter::rotate() {
  ::renameat(dir_, kTimes, dir_, kOldTimes);
  ::renameat(dir_, kLog, dir_, kOldLog);
  if (log_ >= 0) ::close(log_);
  if (times_ >= 0) ::close(times_);
  open_current();
}

void ConsoleLogWriter::append(std::string_view bytes, int64_t arrival_ns) {
  while (!bytes.empty()) {
    if (size_ >= max_) rotate();
    size_t n = bytes.size() < max_ - size_ ? bytes.size() : static_cast<size_t>(max_ - size_);
    // The time first: a reader never sees bytes it cannot date.
    char mark[48];
    int m = std::snprintf(mark, sizeof mark, "%llu %lld\n", static_cast<unsigned long long>(size_),
                          static_cast<long long>(arrival_ns));
    write_all(times_, mark, static_cast<size_t>(m));
    write_all(log_, bytes.data(), n);
    size_ += n;  // counted even if lost, so rotation goes on
    bytes.remove_prefix(n);
  }
}

void ConsoleLogReader::File::close() {
  if (log >= 0) ::close(log);
  if (times >= 0) ::close(times);
  *this = File{};
}

ConsoleLogReader::ConsoleLogReader(const fs::path& dir, bool timestamps) : dir_(dir), timestamps_(timestamps) {}

ConsoleLogReader::~ConsoleLogReader() {
  older_.close();
  current_.close();
}

bool ConsoleLogReader::open(File& f, const char* log, const char* times) {
  f.close();
  f.log = ::open((dir_ / log).c_str(), O_RDONLY | O_CLOEXEC);
  if (f.log < 0) return false;
  f.times = ::open((dir_ / times).c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  f.inode = ::fstat(f.log, &st) == 0 ? st.st_ino : 0;
  return true;
}

// The keeper renames console.times, then console.log, then creates the
// new console.times, then the new console.log. Opening console.log, then
// console.times, then finding console.log still the file opened means the
// two belong together; and the older pair, opened after, is the one just
// before it if console.log has still not moved.
void ConsoleLogReader::open_both() {
  for (int tries = 0; tries < 1000; tries++) {
    if (!open(current_, kLog, kTimes)) {
      if (inode_of(dir_ / kOldLog) == 0) return;  // no console at all
      ::usleep(1000);  // between the keeper's rename and its create
      continue;
    }
    if (inode_of(dir_ / kLog) != current_.inode) continue;
    if (!open(older_, kOldLog, kOldTimes)) older_.close();
    if (inode_of(dir_ / kLog) == current_.inode) return;
  }
}

bool ConsoleLogReader::current_moved() {
  uint64_t now = inode_of(dir_ / kLog);
  return now != 0 && now != current_.inode;
}

void ConsoleLogReader::read_marks(File& f) {
  char buf[4096];
  ssize_t n;
  while (f.times >= 0 && ((n = ::read(f.times, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))) {
    if (n < 0) continue;
    f.times_tail.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = f.times_tail.find('\n', start)) != std::string::npos; start = nl + 1) {
      unsigned long long offset;
      long long when;
      if (std::sscanf(f.times_tail.c_str() + start, "%llu %lld", &offset, &when) == 2)
        f.marks.emplace_back(offset, when);
    }
    f.times_tail.erase(0, start);
  }
}

int64_t ConsoleLogReader::arrival_at(File& f, uint64_t offset) {
  while (f.mark + 1 < f.marks.size() && f.marks[f.mark + 1].first <= offset) f.mark++;
  if (f.marks.empty() || f.marks[f.mark].first > offset) return -1;
  return f.marks[f.mark].second;
}

void ConsoleLogReader::pump(File& f, std::FILE* out) {
  char buf[65536];
  ssize_t n;
  while (f.log >= 0 &&
         ((n = ::pread(f.log, buf, sizeof buf, static_cast<off_t>(f.offset))) > 0 || (n < 0 && errno == EINTR))) {
    if (n < 0) continue;
    size_t len = static_cast<size_t>(n), start = 0;
    if (timestamps_) {
      read_marks(f);  // after the bytes: their marks were written before them
      for (size_t i = 0; i < len; i++) {
        if (line_start_) {
          std::fwrite(buf + start, 1, i - start, out);
          start = i;
          int64_t when = arrival_at(f, f.offset + i);
          std::fputs(when < 0 ? kNoStamp : (format_arrival(when) + " ").c_str(), out);
          line_start_ = false;
        }
        if (buf[i] == '\n') line_start_ = true;
      }
    }
    std::fwrite(buf + start, 1, len - start, out);
    f.offset += len;
  }
  std::fflush(out);
}

void ConsoleLogReader::print(std::FILE* out) {
  open_both();
  pump(older_, out);
  older_.close();
  pump(current_, out);
}

void ConsoleLogReader::follow(std::FILE* out, const std::function<bool()>& writer_gone) {
  constexpr useconds_t kPollUs = 100 * 1000;
  for (;;) {
    bool gone = writer_gone();  // before the last read: nothing written after it is missed
    pump(current_, out);
    if (current_moved()) {
      pump(current_, out);  // what was written before the rename
      uint64_t done = current_.inode;
      open_both();
      if (older_.inode != done) pump(older_, out);  // rotated twice since the last look
      older_.close();
      continue;
    }
    if (gone) return;
    ::usleep(kPollUs);
  }
}

}  // namespace kiln::cli
