// The drivers' self-test, run instead of the program when the boot
// configuration says "selftest": true (tests/boot/virtio.sh drives it).
// It prints one "kiln: selftest ..." line per check and exits 0 when every
// check passed, 1 otherwise.
//
// Block devices: the first sector read at boot (polled, no thread yet);
// then from threads, with interrupts: an FNV-1a checksum of the whole disk
// read by one thread in large transfers while three others read the same
// sectors in small ones, out-of-range requests, and on a writable disk
// its last 4 sectors written from a kernel stack buffer, flushed and read
// back (the test checks the image file afterwards). Network devices
// (QEMU user networking): bursts of ARP requests for the gateway 10.0.2.2,
// one kick per burst, and after each the thread sleeps until the device's
// interrupt says the replies are in; every reply is counted.
#pragma once

namespace kiln::drivers {

// After probe_all(), in place of the program; never returns.
[[noreturn]] void run_selftest();

}  // namespace kiln::drivers
