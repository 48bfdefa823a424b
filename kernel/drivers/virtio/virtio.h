// Constants of the virtio 1.x specification shared by transports and
// drivers.
#pragma once

#include <stdint.h>

namespace kiln::virtio {

// Device types (section 5).
inline constexpr uint32_t kTypeNet = 1, kTypeBlock = 2, kTypeEntropy = 4;

// Features every device type may offer (section 6).
inline constexpr uint64_t kFeatureIndirectDesc = 1ull << 28, kFeatureEventIdx = 1ull << 29,
                          kFeatureVersion1 = 1ull << 32;

// Device status bits (section 2.1).
inline constexpr uint8_t kStatusAcknowledge = 1, kStatusDriver = 2, kStatusDriverOk = 4,
                         kStatusFeaturesOk = 8, kStatusFailed = 128;

// Interrupt status bits (ISR, InterruptStatus).
inline constexpr uint32_t kInterruptQueue = 1, kInterruptConfig = 2;

}  // namespace kiln::virtio
