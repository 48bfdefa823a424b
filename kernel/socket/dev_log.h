// /dev/log, served by the kernel: what programs send there with syslog(3)
// goes to the console, one line each, or to the forwarder init installs
// for `kiln run --syslog` (init/syslog_remote.cpp), whose module a kernel
// without a network stack lacks.
#pragma once

#include "syslog/message.h"

namespace kiln {

// Binds /dev/log; once the root and /dev are mounted, before any program.
void dev_log_start();

// Takes a message elsewhere; false when it could not (the console gets it).
using LogForwarder = bool (*)(const syslog::Message& m);
void dev_log_set_forwarder(LogForwarder forward);

}  // namespace kiln
