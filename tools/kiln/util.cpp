#include "util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "errors.h"

namespace kiln::cli {

std::string errno_string(int err) { return std::strerror(err); }

std::string_view getenv_view(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string_view(value) : std::string_view();
}

Bytes read_file(const fs::path& path, std::string_view what) {
  auto fail = [&](const std::string& why) -> Failure {
    return Failure(std::string(what) + " " + path.string() + ": " + why);
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(errno_string(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    int err = errno;
    ::close(fd);
    throw fail(S_ISDIR(st.st_mode) ? "is a directory" : st.st_mode ? "not a regular file" : errno_string(err));
  }
  Bytes data(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;  // EOF early: the file shrank under us
      ::close(fd);
      throw fail(errno_string(err));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return data;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file_atomic(const fs::path& path, const Bytes& data, unsigned mode) {
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string tmpl = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw Failure("cannot write " + path.string() + ": " + errno_string(errno));
  auto fail = [&](int err) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    throw Failure("cannot write " + path.string() + ": " + errno_string(err));
  };
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(errno);
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) fail(errno);
  if (::fsync(fd) != 0) fail(errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    throw Failure("cannot write " + path.string() + ": " + errno_string(err));
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    throw Failure("cannot write " + path.string() + ": " + errno_string(err));
  }
}

void write_text(const fs::path& path, std::string_view text) {
  write_file_atomic(path, Bytes(text.begin(), text.end()), 0644);
}

fs::path exe_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return fs::current_path();
  return exe.parent_path();
}

fs::path kernel_dir() {
  if (auto dir = getenv_view("KILN_KERNEL_DIR"); !dir.empty()) return fs::path(dir);
  return (exe_dir() / ".." / "share" / "kiln" / "kernel").lexically_normal();
}

std::string shell_quote(std::string_view word) {
  if (word.empty()) return "''";
  bool plain = true;
  for (char c : word) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("@%+=:,./-_", c))) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string shell_join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += shell_quote(w);
  }
  return out;
}

std::vector<std::string> shell_split(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(cur)), cur.clear(), in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (++i == text.size()) throw UsageError("unfinished backslash escape in '" + std::string(text) + "'");
      cur += text[i];
    } else if (c == '\'') {
      size_t end = text.find('\'', i + 1);
      if (end == std::string_view::npos) throw UsageError("unterminated ' quote in '" + std::string(text) + "'");
      cur.append(text.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) throw UsageError("unterminated \" quote in '" + std::string(text) + "'");
        if (text[i] == '"') break;
        if (text[i] == '\\' && i + 1 < text.size() && std::strchr("\\\"$`", text[i + 1])) ++i;
        cur += text[i];
      }
    } else {
      cur += c;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

bool parse_uint(std::string_view text, uint64_t lo, uint64_t hi, uint64_t& out) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return false;
  if (value < lo || value > hi) return false;
  out = value;
  return true;
}

}  // namespace kiln::cli
