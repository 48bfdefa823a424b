#include "control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include "control/frame.h"
#include "errors.h"
#include "process.h"

namespace kiln::cli {

namespace {

// Closes the descriptor whichever way the request ends.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Each request has an id of its own: a reply that was meant for an earlier
// client, and reached this one, is told apart and skipped.
uint32_t fresh_id() {
  static std::mt19937 gen{std::random_device{}()};
  uint32_t id;
  do id = uint32_t(gen());
  while (id == 0);
  return id;
}

bool send_all(int fd, const std::vector<uint8_t>& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += size_t(n);
  }
  return true;
}

}  // namespace

size_t max_socket_path() { return sizeof(sockaddr_un{}.sun_path) - 1; }

std::optional<ControlReply> control_request(const fs::path& socket, uint8_t type, const std::string& args,
                                            int timeout_ms, std::string* why) {
  std::string path = socket.string();
  if (path.size() > max_socket_path()) {
    *why = "the socket path is too long";
    return std::nullopt;
  }
  // Only a socket of ours, 0600, is the guest's.
  try {
    if (!check_control_socket(socket)) {
      *why = "there is no " + path;
      return std::nullopt;
    }
  } catch (const Failure& e) {
    *why = e.what();
    return std::nullopt;
  }
  Fd s{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  if (s.fd < 0 || ::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *why = "cannot connect to " + path + ": " + errno_string(errno);
    return std::nullopt;
  }
  control::Header h;
  h.type = type;
  h.id = fresh_id();
  h.length = uint32_t(args.size());
  std::vector<uint8_t> frame(control::kHeaderSize);
  control::encode_header(h, frame.data());
  frame.insert(frame.end(), args.begin(), args.end());
  if (!send_all(s.fd, frame)) {
    *why = "cannot send to " + path + ": " + errno_string(errno);
    return std::nullopt;
  }

  std::vector<uint8_t> payload(control::kMaxReplyPayload);
  control::FrameDecoder decoder(control::Kind::Reply, payload.data(), control::kMaxReplyPayload);
  int64_t deadline = monotonic_ms() + timeout_ms;
  for (;;) {
    int64_t left = deadline - monotonic_ms();
    pollfd p{s.fd, POLLIN, 0};
    int ready = left > 0 ? ::poll(&p, 1, int(left)) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      *why = "no answer within " + std::to_string(timeout_ms) + " ms";
      return std::nullopt;
    }
    uint8_t buf[4096];
    ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *why = n == 0 ? "the channel closed before an answer" : "cannot read: " + errno_string(errno);
      return std::nullopt;
    }
    const uint8_t* p_in = buf;
    size_t left_in = size_t(n);
    while (left_in) {
      size_t used = 0;
      auto r = decoder.feed(p_in, left_in, &used);
      p_in += used;
      left_in -= used;
      if (r == control::FrameDecoder::Result::Error) {
        *why = std::string("a malformed reply: ") + control::frame_error_string(decoder.error());
        return std::nullopt;
      }
      if (r == control::FrameDecoder::Result::Frame && decoder.header().id == h.id)
        return ControlReply{uint8_t(decoder.header().status),
                            std::string(reinterpret_cast<const char*>(decoder.payload()), decoder.header().length)};
    }
  }
}

bool check_control_socket(const fs::path& socket) {
  struct stat st {};
  if (::lstat(socket.c_str(), &st) != 0) return false;
  if (!S_ISSOCK(st.st_mode) || st.st_uid != ::geteuid())
    throw Failure(socket.string() + " is not a socket of yours: refusing to use it");
  if ((st.st_mode & 07777) != 0600 && (::chmod(socket.c_str(), 0600) != 0 || ::lstat(socket.c_str(), &st) != 0 ||
                                        (st.st_mode & 07777) != 0600))
    throw Failure("cannot make " + socket.string() + " mode 0600: " + errno_string(errno));
  return true;
}

}  // namespace kiln::cli
