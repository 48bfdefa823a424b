// Memory that devices read and write. There is no IOMMU: the device sees
// physical addresses.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "drivers/virtio/virtqueue.h"

namespace kiln::drivers {

using virtio::DmaRegion;

// Zeroed, physically contiguous, page-aligned memory; {nullptr, 0} when
// there is not enough.
DmaRegion dma_alloc(size_t bytes);
void dma_free(DmaRegion region, size_t bytes);

// The physical address behind a kernel virtual address (direct map,
// kernel image, kernel stacks and other 4 KiB mappings); 0 when `p` is not
// mapped or is a program address.
uint64_t dma_address(const void* p);

}  // namespace kiln::drivers
