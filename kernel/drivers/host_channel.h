// Host channels: private byte streams between the kernel and the host (the
// launcher). Nothing else in the guest reaches one: programs have no file
// for it, and it is on no network. virtio-console's named ports are the
// ones today (virtio_console); a Xen console ring or vchan would be
// others. Each has one reader and one writer at a time, kernel threads.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::drivers {

class HostChannel {
 public:
  virtual ~HostChannel() = default;
  // Blocks until bytes come from the host and copies up to `cap` of them.
  // 0: the host connected or disconnected since the last call, and bytes
  // not yet read from before are dropped: start afresh.
  virtual size_t read(void* buf, size_t cap) = 0;
  // Sends the bytes, blocking while the transport is full. Nobody hears
  // them while no host is connected.
  virtual void write(const void* buf, size_t n) = 0;
  // Waits until what was written has left for the host, or the deadline
  // (monotonic ns); false at the deadline. The machine's exit calls it: a
  // reply queued just before the halt (to stop, to kill) must get out.
  virtual bool flush(uint64_t deadline_ns) = 0;
};

// A driver that will name channels later (a virtio-console device whose
// ports the host announces after it starts) says so at boot, with what
// brings its device up: the first wait_host_channel does that, in its own
// kernel thread, so that a device nobody waits for costs the boot nothing.
void expect_host_channels(void (*bring_up)(void* ctx), void* ctx);
// Drivers add each channel as the host names it ("org.kiln.control.0");
// names are at most kMaxChannelName - 1 bytes.
inline constexpr size_t kMaxChannelName = 64;
void add_host_channel(const char* name, HostChannel* ch);
// Brings the expected devices up, then blocks (a kernel thread) until a
// channel of that name is added; nullptr at once when no driver expects to
// name any.
HostChannel* wait_host_channel(const char* name);

}  // namespace kiln::drivers
