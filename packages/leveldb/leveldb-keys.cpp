// leveldb-keys: writes and reads 100,000 keys with Debian's libleveldb, and
// prints only what is deterministic (counts, FNV-1a hashes, keys and values),
// so its output on kiln can be compared with the host's. Nothing about file
// or level layout is printed: that depends on when the background
// compaction thread runs.
//
//   leveldb-keys DIRECTORY     (the database is created there; it must not exist)

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

namespace {

constexpr int kKeys = 100000;
constexpr int kBatch = 1000;

struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void add(const leveldb::Slice& s) {
    for (size_t i = 0; i < s.size(); i++) h = (h ^ static_cast<unsigned char>(s[i])) * 1099511628211ull;
  }
};

std::string key_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "key%08d", i);
  return buf;
}

// 10 to 200 bytes of letters from a xorshift generator seeded by the key: the
// same on every run, and compressible enough for snappy to matter.
std::string value_of(int i, int generation) {
  uint64_t x = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(i + 1) + static_cast<uint64_t>(generation);
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  std::string v(10 + next() % 191, ' ');
  for (auto& c : v) c = static_cast<char>('a' + next() % 8);
  return v;
}

void check(const leveldb::Status& s, const char* what) {
  if (!s.ok()) {
    std::printf("%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

std::unique_ptr<leveldb::DB> open(const std::string& path, bool create) {
  leveldb::Options options;
  options.create_if_missing = create;
  options.error_if_exists = create;
  leveldb::DB* db = nullptr;
  check(leveldb::DB::Open(options, path, &db), "open");
  return std::unique_ptr<leveldb::DB>(db);
}

void write_all(leveldb::DB& db) {
  for (int first = 0; first < kKeys; first += kBatch) {
    leveldb::WriteBatch batch;
    for (int i = first; i < first + kBatch; i++) batch.Put(key_of(i), value_of(i, 0));
    check(db.Write(leveldb::WriteOptions(), &batch), "write");
  }
  std::printf("put %d keys in batches of %d\n", kKeys, kBatch);
}

void delete_and_overwrite(leveldb::DB& db) {
  int deleted = 0, overwritten = 0;
  for (int i = 0; i < kKeys; i += 7, deleted++) check(db.Delete(leveldb::WriteOptions(), key_of(i)), "delete");
  for (int i = 3; i < kKeys; i += 10, overwritten++) check(db.Put(leveldb::WriteOptions(), key_of(i), value_of(i, 1)), "put");
  std::printf("deleted %d, overwrote %d\n", deleted, overwritten);
}

// After delete_and_overwrite every seventh key is gone unless it was
// overwritten (every tenth from 3), which gave it its generation-1 value.
void read_all(leveldb::DB& db, const char* when, bool changed) {
  int found = 0, missing = 0, wrong = 0;
  Fnv hash;
  std::string value;
  for (int i = 0; i < kKeys; i++) {
    leveldb::Status s = db.Get(leveldb::ReadOptions(), key_of(i), &value);
    if (s.IsNotFound()) {
      missing++;
      continue;
    }
    check(s, "get");
    found++;
    int generation = changed && i % 10 == 3 ? 1 : 0;
    if (value != value_of(i, generation)) wrong++;
    hash.add(value);
  }
  std::printf("%s: get found %d, not found %d, wrong %d, fnv %016" PRIx64 "\n", when, found, missing, wrong, hash.h);
}

void scan(leveldb::DB& db, const char* when) {
  std::unique_ptr<leveldb::Iterator> it(db.NewIterator(leveldb::ReadOptions()));
  int count = 0;
  uint64_t bytes = 0;
  Fnv hash;
  std::string first, last;
  for (it->SeekToFirst(); it->Valid(); it->Next(), count++) {
    if (count == 0) first = it->key().ToString();
    last = it->key().ToString();
    hash.add(it->key());
    hash.add(it->value());
    bytes += it->value().size();
  }
  check(it->status(), "iterate");
  std::printf("%s: scan %d entries, %" PRIu64 " value bytes, first %s, last %s, fnv %016" PRIx64 "\n", when, count,
              bytes, first.c_str(), last.c_str(), hash.h);
  int shown = 0;
  for (it->Seek("key00049998"); it->Valid() && shown < 4; it->Next(), shown++)
    std::printf("  %s = %.24s (%zu bytes)\n", it->key().ToString().c_str(), it->value().ToString().c_str(),
                it->value().size());
  it->SeekToLast();
  int back = 0;
  for (; it->Valid() && back < 3; it->Prev(), back++) std::printf("  last-%d %s\n", back, it->key().ToString().c_str());
}

void snapshot(leveldb::DB& db) {
  const leveldb::Snapshot* snap = db.GetSnapshot();
  check(db.Put(leveldb::WriteOptions(), key_of(1), "changed after the snapshot"), "put");
  leveldb::ReadOptions at_snap;
  at_snap.snapshot = snap;
  std::string before, now;
  check(db.Get(at_snap, key_of(1), &before), "get at snapshot");
  check(db.Get(leveldb::ReadOptions(), key_of(1), &now), "get");
  std::printf("snapshot: %s was %.16s (%zu bytes), is \"%s\"\n", key_of(1).c_str(), before.c_str(), before.size(),
              now.c_str());
  db.ReleaseSnapshot(snap);
  check(db.Put(leveldb::WriteOptions(), key_of(1), value_of(1, 0)), "put");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: leveldb-keys DIRECTORY\n");
    return 2;
  }
  std::string path = argv[1];
  {
    auto db = open(path, true);
    write_all(*db);
    read_all(*db, "written", false);
    delete_and_overwrite(*db);
    read_all(*db, "changed", true);
    snapshot(*db);
  }
  // Reopened: the log is replayed and the memtable becomes a table.
  auto db = open(path, false);
  read_all(*db, "reopened", true);
  scan(*db, "reopened");
  db->CompactRange(nullptr, nullptr);
  read_all(*db, "compacted", true);
  scan(*db, "compacted");
  std::string stats;
  std::printf("property leveldb.stats %s\n", db->GetProperty("leveldb.stats", &stats) ? "present" : "absent");
  return 0;
}
