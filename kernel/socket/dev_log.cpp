#include "socket/dev_log.h"

#include "core/console.h"
#include "socket/socket.h"
#include "syslog/format.h"

namespace kiln {
namespace {

LogForwarder g_forward;

void to_console(void*, const char* s, size_t n) { console_write(s, n); }

// In the sending program's sendto(): the kernel is not preemptive, so the
// line is not interleaved with other console output.
void receive(const uint8_t* data, size_t len) {
  syslog::Message m = syslog::parse(reinterpret_cast<const char*>(data), len);
  if (g_forward && g_forward(m)) return;
  syslog::write_console_line(m, syslog::Sink{to_console, nullptr});
}

}  // namespace

void dev_log_start() {
  // A program that brings its own syslog daemon unlinks /dev/log and binds
  // its own socket there, as on Linux; the kernel's then gets nothing.
  if (long r = make_unix_receiver("/dev/log", receive); r < 0)
    kprintf("kiln: /dev/log: cannot bind it (error %ld); syslog(3) messages are lost\n", -r);
}

void dev_log_set_forwarder(LogForwarder forward) { g_forward = forward; }

}  // namespace kiln
