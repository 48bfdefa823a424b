// The control channel's kernel end (docs/internals.md, "Control channel"):
// a kernel thread that reads the host channel control::kPortName into the
// portable control::Server and writes back its replies, and the requests
// that stop the machine. It never holds up a program: it waits on the
// channel alone, and a stop runs in a thread of its own (init/stop.h).
#include "control/args.h"
#include "control/server.h"
#include "core/console.h"
#include "core/thread.h"
#include "drivers/host_channel.h"
#include "init/stop.h"
#include "init/subsystem.h"

namespace kiln {
namespace {

// A host that keeps sending garbage must not flood the console.
constexpr unsigned kMaxLoggedRefusals = 16;

drivers::HostChannel* g_channel;
unsigned g_refusals;

void send(void*, const uint8_t* data, size_t n) { g_channel->write(data, n); }

void refused(void*, uint8_t type, const char* why) {
  if (g_refusals < kMaxLoggedRefusals)
    kprintf("kiln: control: refused a message from the host (type %u): %s\n", type, why);
  else if (g_refusals == kMaxLoggedRefusals)
    kprintf("kiln: control: refusing more; not logging them\n");
  g_refusals++;
}

[[noreturn]] void serve(void*) {
  // The program first: the channel comes up once it blocks or its first
  // slice ends, and a program that is done by then never waits for it.
  yield();
  g_channel = drivers::wait_host_channel(control::kPortName);
  if (!g_channel) thread_exit();  // no device for it: started by hand, or on another monitor
  auto server = new control::Server(control_requests_set().begin(), control_requests_set().size(),
                                    {nullptr, send, refused});
  if (!server) {
    kprintf("kiln: control: out of memory: the host cannot reach this guest\n");
    thread_exit();
  }
  for (;;) {
    uint8_t buf[512];
    size_t n = g_channel->read(buf, sizeof buf);
    if (n)
      server->receive(buf, n);
    else
      server->reset();
  }
}

void start(const BootConfig&) {
  if (!thread_create_kernel(serve, nullptr))
    kprintf("kiln: control: out of memory: the host cannot reach this guest\n");
}

// The machine is stopping: a reply still on its way (to the stop that
// caused it) goes out first.
void drain(uint64_t deadline_ns) {
  if (g_channel) g_channel->flush(deadline_ns);
}

KILN_SET_ENTRY(subsystems, Subsystem, g_control) = {"control", start, nullptr, nullptr, drain};

control::Status refuse(control::ReplyWriter& reply, const char* why) {
  reply.raw("{\"error\":");
  reply.string(why);
  reply.raw("}");
  return control::Status::BadRequest;
}

control::Status stop(const json::Value& args, control::ReplyWriter& reply) {
  uint64_t grace_ms;
  const char* why = "";
  if (!control::read_stop_args(args, &grace_ms, &why)) return refuse(reply, why);
  stop_machine(grace_ms * 1'000'000);
  reply.printf("{\"grace_ms\":%lu}", grace_ms);
  return control::Status::Ok;
}

control::Status kill(const json::Value&, control::ReplyWriter& reply) {
  kill_machine();
  reply.raw("{}");
  return control::Status::Ok;
}

KILN_SET_ENTRY(control_requests, control::Handler, g_stop) = {control::kTypeStop, "stop", stop};
KILN_SET_ENTRY(control_requests, control::Handler, g_kill) = {control::kTypeKill, "kill", kill};

}  // namespace
}  // namespace kiln
