#include "core/run_queue.h"

namespace kiln {

void RunQueue::add_sleeper(Thread* t, uint64_t deadline) {
  t->wake_at = deadline;
  Thread* pos = sleepers_.front();
  while (pos && pos->wake_at <= deadline) pos = sleepers_.next_of(pos);
  sleepers_.insert_before_elem(pos, t);
}

void RunQueue::remove_sleeper(Thread* t) {
  if (t->sleep_node.linked()) sleepers_.remove(t);
  t->wake_at = 0;
}

Thread* RunQueue::pop_expired(uint64_t now) {
  Thread* t = sleepers_.front();
  if (!t || t->wake_at > now) return nullptr;
  remove_sleeper(t);
  return t;
}

uint64_t RunQueue::next_event(uint64_t slice_end) const {
  uint64_t next = sleepers_.empty() ? kNever : sleepers_.front()->wake_at;
  if (!ready_.empty() && slice_end < next) next = slice_end;
  return next;
}

}  // namespace kiln
