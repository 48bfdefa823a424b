#include "mm/address_space.h"

#include "arch/x86_64/paging.h"
#include "mm/vm.h"

namespace kiln {
namespace {

List<AddressSpace, &AddressSpace::node> g_spaces;

}  // namespace

AddressSpace* mm_new() {
  auto m = new AddressSpace;
  if (!m) return nullptr;
  m->space = paging::create_space();
  if (!m->space) {
    delete m;
    return nullptr;
  }
  vm_init_space(*m);
  g_spaces.push_back(m);
  return m;
}

void mm_put(AddressSpace* m) {
  if (!m || --m->users > 0) return;
  vm_release_space(*m);
  if (paging::active_space() == m->space) paging::activate(paging::kernel_space());
  paging::destroy_space(m->space);
  g_spaces.remove(m);
  delete m;
}

AddressSpace* mm_first() { return g_spaces.front(); }
AddressSpace* mm_next(AddressSpace* m) { return g_spaces.next_of(m); }

}  // namespace kiln
