// The launcher's end of a guest's control channel (docs/internals.md,
// "Control channel"): one request and its reply over the unix socket
// RUNDIR/control.sock, framed by the kernel's own codec (kernel/control).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util.h"

namespace kiln::cli {

struct ControlReply {
  uint8_t status;       // control::Status
  std::string payload;  // its JSON text
};

// Sends request `type` with `args` (a JSON object's text) and waits up to
// timeout_ms for its reply. nullopt, with *why, when the socket is missing,
// not ours or cannot be reached, the guest does not answer in time, or it
// answers with a frame that cannot be read (refused, never trusted).
[[nodiscard]] std::optional<ControlReply> control_request(const fs::path& socket, uint8_t type, const std::string& args,
                                            int timeout_ms, std::string* why);

// The longest socket path a sockaddr_un holds.
size_t max_socket_path();

// The socket QEMU made for a guest must be a socket of ours, mode 0600:
// made so when its mode is looser. False while it does not exist yet;
// throws Failure when it is not ours.
[[nodiscard]] bool check_control_socket(const fs::path& socket);

}  // namespace kiln::cli
