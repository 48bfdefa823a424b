// /bin/memcached of the image: execs Debian's /usr/bin/memcached with the
// defaults a unikernel wants, then the arguments given to `kiln run`
// (memcached reads its options in order, so those win). The exec keeps
// pid 1: memcached's exit still ends the guest.
#include <stdio.h>
#include <unistd.h>

static const char* const kDefaults[] = {
    "-u", "root",    // the guest's only user is root; memcached refuses it without -u
    "-m", "32",      // item memory (MiB): fits a 64 MiB guest
    "-p", "11211",   // TCP only (UDP is off by default)
    // Both wildcards by name: getaddrinfo answers each without sorting (its
    // sort of the wildcard's two answers asserted on kiln before it named
    // IPv4-mapped addresses).
    "-l", "0.0.0.0,::",
    "-A",            // the text protocol's `shutdown` ends the guest cleanly
};
enum { kCount = sizeof kDefaults / sizeof kDefaults[0] };

int main(int argc, char** argv) {
  char* args[1 + kCount + argc];
  int n = 0;
  args[n++] = "memcached";
  for (int i = 0; i < kCount; i++) args[n++] = (char*)kDefaults[i];
  for (int i = 1; i < argc; i++) args[n++] = argv[i];
  args[n] = NULL;
  execv("/usr/bin/memcached", args);
  perror("memcached launcher: /usr/bin/memcached");
  return 127;
}
