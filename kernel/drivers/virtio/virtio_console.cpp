// virtio-console (virtio 1.x section 5.3) with multiple ports: each port
// the host names (QEMU's virtserialport name=) becomes a host channel
// (drivers/host_channel.h), the control channel's transport. A port is
// never a console or a file, so no program can reach one.
//
// The ports are learned on the control queues: after DEVICE_READY the
// device announces each port (DEVICE_ADD), the driver answers PORT_READY,
// the device names it (PORT_NAME) and tells when the host end opens or
// closes (PORT_OPEN). These few messages are handled in the interrupt
// handler, not by a thread: QEMU drops a control message for which no
// buffer is posted, so each is taken and its buffer given back at once,
// which is a few stores and at most one notification.
#include <stdint.h>

#include "core/console.h"
#include "core/irq.h"
#include "core/thread.h"
#include "drivers/dma.h"
#include "drivers/host_channel.h"
#include "drivers/virtio/driver.h"
#include "drivers/virtio/transport.h"
#include "drivers/virtio/virtio.h"
#include "lib/fallible.h"
#include "lib/mem.h"

namespace kiln::virtio {
namespace {

constexpr uint32_t kTypeConsole = 3;
constexpr uint64_t kFeatureMultiport = 1ull << 1;
constexpr uint32_t kConfigMaxPorts = 4;  // struct virtio_console_config.max_nr_ports

// struct virtio_console_control and its events.
struct [[gnu::packed]] ControlMessage {
  uint32_t id;
  uint16_t event, value;
};
static_assert(sizeof(ControlMessage) == 8);
constexpr uint16_t kDeviceReady = 0, kDeviceAdd = 1, kDeviceRemove = 2, kPortReady = 3,
                   kPortOpen = 6, kPortName = 7;
constexpr uint32_t kNoPort = 0xffffffff;

// Ports 1..kMaxPorts are driven (the launcher puts the control port at 1);
// port 0, the legacy console port, is not used. Port p's queues are
// 2p + 2 (receive) and 2p + 3 (transmit); 2 and 3 are the control queues.
constexpr uint32_t kMaxPorts = 2;
constexpr uint16_t kControlRx = 2, kControlTx = 3;
constexpr uint16_t rx_queue(uint32_t port) { return uint16_t(2 * port + 2); }
constexpr uint16_t tx_queue(uint32_t port) { return uint16_t(2 * port + 3); }

constexpr uint16_t kControlBuffers = 16, kControlSlots = 8;
constexpr uint32_t kControlBufferSize = 128;  // PORT_NAME: the message, then the name
constexpr uint16_t kRxBuffers = 4, kTxSlots = 2;
constexpr uint32_t kDataBufferSize = 1024;
constexpr uint16_t kRingEntries = 8;

void* token(uint16_t i) { return reinterpret_cast<void*>(uintptr_t(i) + 1); }
uint16_t index_of(void* tok) { return uint16_t(reinterpret_cast<uintptr_t>(tok) - 1); }

class Console;

class Port final : public drivers::HostChannel {
 public:
  size_t read(void* buf, size_t cap) override;
  void write(const void* buf, size_t n) override;
  bool flush(uint64_t deadline_ns) override;

  bool start(Console* dev, uint32_t id);
  // From the interrupt handler.
  void collect();
  void host_changed();
  void post(uint16_t i);
  void kick_rx();

  Console* dev_ = nullptr;
  uint32_t id_ = 0;
  bool ready_ = false, named_ = false;

 private:
  uint8_t* rx_buffer(uint16_t i) const { return static_cast<uint8_t*>(mem_.cpu) + i * kDataBufferSize; }
  uint8_t* tx_buffer(uint16_t i) const { return rx_buffer(uint16_t(kRxBuffers + i)); }
  uint64_t address(uint8_t* p) const { return mem_.device + uint64_t(p - static_cast<uint8_t*>(mem_.cpu)); }
  int free_slots() const;
  void send(const uint8_t* p, size_t n);

  Virtqueue rx_, tx_;
  DmaRegion mem_;  // kRxBuffers receive buffers, then kTxSlots send slots
  // Received buffers not read yet, oldest first.
  uint16_t filled_[kRxBuffers];
  uint32_t filled_len_[kRxBuffers];
  uint16_t head_ = 0, count_ = 0;
  uint32_t read_off_ = 0;  // into the oldest
  bool tx_busy_[kTxSlots] = {};
  uint32_t connection_ = 0, reported_ = 0;  // host end changes: made, seen by read()
  WaitList readers_, writers_;
};

class Console final : public Fallible {
 public:
  explicit Console(Transport* t) : t_(t) {}
  bool start();
  static bool on_interrupt(void* self);

  Transport* t_;

 private:
  uint8_t* control_buffer(uint16_t i) const {
    return static_cast<uint8_t*>(control_mem_.cpu) + i * kControlBufferSize;
  }
  uint8_t* control_slot(uint16_t i) const {
    return control_buffer(kControlBuffers) + i * sizeof(ControlMessage);
  }
  uint64_t address(uint8_t* p) const {
    return control_mem_.device + uint64_t(p - static_cast<uint8_t*>(control_mem_.cpu));
  }
  void poll();
  void handle(const uint8_t* msg, uint32_t len);
  void name_port(Port& p, const uint8_t* name, uint32_t len);
  bool send_control(uint32_t id, uint16_t event, uint16_t value);

  Virtqueue crx_, ctx_;
  DmaRegion control_mem_;  // kControlBuffers buffers, then kControlSlots messages
  bool slot_busy_[kControlSlots] = {};
  Port ports_[kMaxPorts];
  uint32_t nports_ = 0;
};

bool Port::start(Console* dev, uint32_t id) {
  dev_ = dev;
  id_ = id;
  Transport* t = dev->t_;
  if (!t->setup_queue(rx_queue(id), &rx_, kRingEntries, 0) ||
      !t->setup_queue(tx_queue(id), &tx_, kRingEntries, 0))
    return false;
  mem_ = drivers::dma_alloc((kRxBuffers + kTxSlots) * kDataBufferSize);
  if (!mem_.cpu) return false;
  for (uint16_t i = 0; i < kRxBuffers; i++) post(i);
  return true;
}

void Port::post(uint16_t i) {
  Chunk c{address(rx_buffer(i)), kDataBufferSize};
  rx_.add(nullptr, 0, &c, 1, token(i));
}

void Port::kick_rx() { dev_->t_->kick_always(rx_queue(id_), &rx_); }

void Port::collect() {
  uint32_t written;
  bool got = false, reposted = false;
  while (void* tok = rx_.pop(&written)) {
    uint16_t i = index_of(tok);
    if (i >= kRxBuffers) continue;
    // An empty buffer would read as a change of the host end.
    if (!written || count_ == kRxBuffers) {
      post(i);
      reposted = true;
      continue;
    }
    uint16_t at = uint16_t((head_ + count_++) % kRxBuffers);
    filled_[at] = i;
    filled_len_[at] = written < kDataBufferSize ? written : kDataBufferSize;
    got = true;
  }
  if (reposted) dev_->t_->kick(rx_queue(id_), &rx_);
  bool sent = false;
  while (void* tok = tx_.pop(&written)) {
    uint16_t i = index_of(tok);
    if (i < kTxSlots) tx_busy_[i] = false;
    sent = true;
  }
  if (got) wake_list(readers_, -1);
  if (sent) wake_list(writers_, -1);
}

// What the last host sent and nobody read is not for the next one.
void Port::host_changed() {
  connection_++;
  for (; count_; count_--, head_ = uint16_t((head_ + 1) % kRxBuffers)) post(filled_[head_]);
  read_off_ = 0;
  dev_->t_->kick(rx_queue(id_), &rx_);
  wake_list(readers_, -1);
}

size_t Port::read(void* buf, size_t cap) {
  for (;;) {
    if (reported_ != connection_) {
      reported_ = connection_;
      return 0;
    }
    if (count_) {
      uint16_t i = filled_[head_];
      size_t n = filled_len_[head_] - read_off_;
      if (n > cap) n = cap;
      memcpy(buf, rx_buffer(i) + read_off_, n);
      read_off_ += uint32_t(n);
      if (read_off_ == filled_len_[head_]) {
        read_off_ = 0;
        head_ = uint16_t((head_ + 1) % kRxBuffers);
        count_--;
        post(i);
        dev_->t_->kick(rx_queue(id_), &rx_);
      }
      return n;
    }
    wait_on(readers_, 0);
  }
}

int Port::free_slots() const {
  int n = 0;
  for (bool busy : tx_busy_) n += !busy;
  return n;
}

void Port::send(const uint8_t* p, size_t n) {
  for (uint16_t i = 0; i < kTxSlots; i++) {
    if (tx_busy_[i]) continue;
    memcpy(tx_buffer(i), p, n);
    Chunk c{address(tx_buffer(i)), uint32_t(n)};
    if (!tx_.add(&c, 1, nullptr, 0, token(i))) return;
    tx_busy_[i] = true;
    dev_->t_->kick(tx_queue(id_), &tx_);
    return;
  }
}

void Port::write(const void* buf, size_t n) {
  auto p = static_cast<const uint8_t*>(buf);
  while (n) {
    if (!free_slots()) {
      wait_on(writers_, 0);
      continue;
    }
    size_t k = n < kDataBufferSize ? n : kDataBufferSize;
    send(p, k);
    p += k;
    n -= k;
  }
}

// The device hands a send back once it gave the bytes to the host end
// (with ioeventfd, in QEMU's main loop, some time after the kick).
bool Port::flush(uint64_t deadline_ns) {
  while (free_slots() < kTxSlots)
    if (!wait_on(writers_, deadline_ns)) return false;
  return true;
}

bool Console::start() {
  uint64_t features;
  if (!t_->negotiate(kFeatureMultiport, &features)) return false;
  // A single-port console has no names: nothing kiln can tell apart.
  if (!(features & kFeatureMultiport)) return false;
  uint32_t max_ports = t_->config<uint32_t>(kConfigMaxPorts);
  if (!t_->setup_queue(kControlRx, &crx_, kControlBuffers, 0) ||
      !t_->setup_queue(kControlTx, &ctx_, kControlSlots, 0))
    return false;
  control_mem_ = drivers::dma_alloc(kControlBuffers * kControlBufferSize +
                                    kControlSlots * sizeof(ControlMessage));
  if (!control_mem_.cpu) return false;
  for (uint32_t p = 1; p <= kMaxPorts && p < max_ports; p++) {
    if (!ports_[p - 1].start(this, p)) break;
    nports_ = p;
  }
  for (uint16_t i = 0; i < kControlBuffers && i < crx_.size(); i++) {
    Chunk c{address(control_buffer(i)), kControlBufferSize};
    crx_.add(nullptr, 0, &c, 1, token(i));
  }
  if (!irq_register(t_->gsi(), t_->trigger(), on_interrupt, this)) return false;
  t_->driver_ok();
  t_->kick_always(kControlRx, &crx_);
  for (uint32_t p = 0; p < nports_; p++) ports_[p].kick_rx();
  if (!send_control(kNoPort, kDeviceReady, 1)) return false;
  if (verbose())
    kprintf("kiln: virtio-console %s irq %u: %u of %u ports driven\n", t_->location(), t_->gsi(),
            nports_, max_ports);
  return true;
}

bool Console::send_control(uint32_t id, uint16_t event, uint16_t value) {
  uint32_t written;
  while (void* tok = ctx_.pop(&written))
    if (index_of(tok) < kControlSlots) slot_busy_[index_of(tok)] = false;
  for (uint16_t i = 0; i < kControlSlots; i++) {
    if (slot_busy_[i]) continue;
    ControlMessage m{id, event, value};
    memcpy(control_slot(i), &m, sizeof m);
    Chunk c{address(control_slot(i)), sizeof m};
    if (!ctx_.add(&c, 1, nullptr, 0, token(i))) return false;
    slot_busy_[i] = true;
    t_->kick(kControlTx, &ctx_);
    return true;
  }
  return false;
}

void Console::name_port(Port& p, const uint8_t* name, uint32_t len) {
  char s[drivers::kMaxChannelName];
  uint32_t n = 0;
  while (n < len && n + 1 < sizeof s && name[n]) {
    s[n] = char(name[n]);
    n++;
  }
  s[n] = 0;
  p.named_ = true;
  drivers::add_host_channel(s, &p);
  // Open our end: only then does the device pass the host's bytes on.
  send_control(p.id_, kPortOpen, 1);
}

void Console::handle(const uint8_t* msg, uint32_t len) {
  if (len < sizeof(ControlMessage)) return;
  ControlMessage m;
  memcpy(&m, msg, sizeof m);
  if (m.id < 1 || m.id > nports_) return;  // not a port this driver drives
  Port& p = ports_[m.id - 1];
  switch (m.event) {
    case kDeviceAdd:
      if (!p.ready_) p.ready_ = send_control(m.id, kPortReady, 1);
      break;
    case kPortName:
      if (p.ready_ && !p.named_) name_port(p, msg + sizeof m, len - uint32_t(sizeof m));
      break;
    case kPortOpen:
    case kDeviceRemove:
      p.host_changed();
      break;
    default:
      break;  // CONSOLE_PORT, RESIZE: not a console
  }
}

// Control messages before data: a host end's close or open must be seen
// before the bytes that follow it (Port::host_changed drops older ones).
void Console::poll() {
  uint32_t written;
  bool reposted = false;
  while (void* tok = crx_.pop(&written)) {
    uint16_t i = index_of(tok);
    if (i >= kControlBuffers) continue;
    handle(control_buffer(i), written < kControlBufferSize ? written : kControlBufferSize);
    Chunk c{address(control_buffer(i)), kControlBufferSize};
    crx_.add(nullptr, 0, &c, 1, tok);
    reposted = true;
  }
  if (reposted) t_->kick(kControlRx, &crx_);
  for (uint32_t p = 0; p < nports_; p++) ports_[p].collect();
}

bool Console::on_interrupt(void* self) {
  auto c = static_cast<Console*>(self);
  if (!c->t_->ack_interrupt()) return false;
  c->poll();
  return true;
}

// The device is driven only once its channels are waited for (the control
// service does that after the program started): the boot does not wait
// for the queues, the buffers and the handshake.
void bring_up(void* self) {
  auto c = static_cast<Console*>(self);
  if (c->start()) return;
  c->t_->fail();  // its memory stays with the failed device
  kprintf("kiln: virtio-console %s: the device did not start\n", c->t_->location());
}

bool start(Transport* t) {
  auto c = new Console(t);
  if (!c) {
    t->fail();
    return false;
  }
  drivers::expect_host_channels(bring_up, c);
  return true;
}

KILN_SET_ENTRY(virtio_drivers, Driver, g_driver) = {kTypeConsole, "virtio-console", start};

}  // namespace
}  // namespace kiln::virtio
