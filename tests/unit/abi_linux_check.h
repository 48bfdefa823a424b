// The rows of abi_linux_test: a name, kiln's value (kernel/abi/linux) and
// the host's, which must be equal since the host is Linux x86_64.
#pragma once

#include <stddef.h>

struct AbiCheck {
  const char* name;
  long long ours, theirs;
};

// Linux's X against kiln's kX.
#define ABI_SAME(X) AbiCheck{#X, (long long)(kiln::abi::k##X), (long long)(X)}
// A value spelled differently on either side.
#define ABI_VALUE(ours, theirs) AbiCheck{#ours, (long long)(kiln::abi::ours), (long long)(theirs)}
#define ABI_SIZE(Ours, Theirs) \
  AbiCheck{"sizeof " #Ours, (long long)sizeof(kiln::abi::Ours), (long long)sizeof(Theirs)}
// A field's offset and size.
#define ABI_FIELD(Ours, field, Theirs, theirs_field)                          \
  AbiCheck{#Ours "." #field, (long long)offsetof(kiln::abi::Ours, field),     \
           (long long)offsetof(Theirs, theirs_field)},                        \
      AbiCheck{#Ours "." #field " size", (long long)sizeof(kiln::abi::Ours::field), \
               (long long)sizeof(((Theirs*)nullptr)->theirs_field)}

// abi_linux_uapi.cpp: the rows checked against the kernel's own headers.
extern const AbiCheck kUapiChecks[];
extern const size_t kUapiCheckCount;
