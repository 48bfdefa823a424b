#include "fs/iso9660/rock_ridge.h"

#include "fs/iso9660/format.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"

namespace kiln::fs::iso9660 {
namespace {

constexpr uint16_t sig(char a, char b) { return uint16_t(uint8_t(a) << 8 | uint8_t(b)); }

// SL component flags.
constexpr uint8_t kSlContinue = 1, kSlCurrent = 2, kSlParent = 4, kSlRoot = 8;

// Builds a symlink target from SL component records, which may continue
// across SL entries and continuation areas: a component whose CONTINUE flag
// is clear ends with a separator before the next one; the root component is
// its own separator.
struct LinkBuilder {
  char* out;  // nullptr: only count
  size_t len = 0;
  bool separator = false;  // a '/' is due before the next component

  void put(const uint8_t* s, size_t n) {
    for (size_t i = 0; i < n; i++) {
      if (out && len < kLinkMax) out[len] = char(s[i]);
      len++;
    }
  }
  void put(const char* s) { put(reinterpret_cast<const uint8_t*>(s), strlen(s)); }

  void component(uint8_t flags, const uint8_t* text, size_t n) {
    if (separator) put("/");
    separator = false;
    switch (flags & ~kSlContinue) {
      case 0: put(text, n); break;
      case kSlCurrent: put("."); break;
      case kSlParent: put(".."); break;
      case kSlRoot:
        put("/");
        return;  // the next component follows the root's slash directly
      default: break;  // volume root, host name: obsolete, nothing to say
    }
    separator = !(flags & kSlContinue);
  }
};

struct Parser {
  const SuspContext& ctx;
  RockRidge* rr;
  LinkBuilder link;
  bool name_done = false;  // truncated at kNAME_MAX
  // The pending continuation area.
  bool ce = false;
  uint32_t ce_block = 0, ce_offset = 0, ce_length = 0;

  void name(const uint8_t* p, size_t n) {
    if (n < 5) return;
    uint8_t flags = p[4];
    if (flags & ~1) return;  // ".", "..", host name: not a name for us
    const uint8_t* s = p + 5;
    size_t len = n - 5;
    const void* nul = memchr_(s, len);
    if (nul) len = size_t(static_cast<const uint8_t*>(nul) - s);
    for (size_t i = 0; i < len && !name_done; i++) {
      if (rr->name_len == kNAME_MAX) {
        name_done = true;
        break;
      }
      rr->name[rr->name_len++] = char(s[i]);
    }
  }

  static const void* memchr_(const uint8_t* s, size_t n) {
    for (size_t i = 0; i < n; i++)
      if (s[i] == 0) return s + i;
    return nullptr;
  }

  void symlink(const uint8_t* p, size_t n) {
    if (n < 5) return;
    rr->sl = true;
    size_t at = 5;
    while (at + 2 <= n) {
      uint8_t flags = p[at], clen = p[at + 1];
      if (at + 2 + clen > n) break;
      link.component(flags, p + at + 2, clen);
      at += 2 + size_t(clen);
    }
  }

  void times(const uint8_t* p, size_t n) {
    if (n < 5) return;
    uint8_t flags = p[4];
    size_t width = (flags & kTfLongForm) ? 17 : 7;
    size_t at = 5;
    for (int bit = 0; bit < 7; bit++) {
      if (!(flags & (1 << bit))) continue;
      if (at + width > n) return;
      Time t = width == 17 ? decode_long_date(p + at) : decode_short_date(p + at);
      at += width;
      switch (1 << bit) {
        // Some writers put ctime in the creation slot; ATTRIBUTES wins when both are there.
        case kTfCreation:
        case kTfAttributes: rr->ctime = t, rr->times |= kTfAttributes; break;
        case kTfModify: rr->mtime = t, rr->times |= kTfModify; break;
        case kTfAccess: rr->atime = t, rr->times |= kTfAccess; break;
        default: break;
      }
    }
  }

  void entry(const uint8_t* p, size_t n) {
    switch (sig(char(p[0]), char(p[1]))) {
      case sig('P', 'X'):
        if (n < 36) return;
        rr->px = true;
        rr->mode = le32(p + 4);
        rr->nlink = le32(p + 12);
        rr->uid = le32(p + 20);
        rr->gid = le32(p + 28);
        if (n >= 44) rr->ino = le32(p + 36);
        return;
      case sig('P', 'N'):
        if (n < 20) return;
        rr->pn = true;
        rr->dev_high = le32(p + 4);
        rr->dev_low = le32(p + 12);
        return;
      case sig('N', 'M'): name(p, n); return;
      case sig('S', 'L'): symlink(p, n); return;
      case sig('T', 'F'): times(p, n); return;
      case sig('C', 'L'):
        if (n < 12) return;
        rr->cl = true;
        rr->cl_block = le32(p + 4);
        return;
      case sig('P', 'L'):
        if (n < 12) return;
        rr->pl = true;
        rr->pl_block = le32(p + 4);
        return;
      case sig('R', 'E'): rr->re = true; return;
      case sig('Z', 'F'): rr->zf = true; return;
      case sig('C', 'E'):
        if (n < 28) return;
        ce = true;
        ce_block = le32(p + 4);
        ce_offset = le32(p + 12);
        ce_length = le32(p + 20);
        return;
      default: return;  // SP, ST handled by the caller; ER, ES, PD, AL, RR...: nothing to use
    }
  }

  void area(const uint8_t* p, size_t len) {
    size_t at = 0;
    while (at + 4 <= len) {
      size_t n = p[at + 2];
      if (n < 4 || at + n > len) return;  // padding or a torn entry: the area ends
      if (p[at] == 'S' && p[at + 1] == 'T') return;
      entry(p + at, n);
      at += n;
    }
  }
};

}  // namespace

long parse_rock_ridge(const SuspContext& ctx, const uint8_t* su, size_t len, RockRidge* out,
                      char* link) {
  *out = RockRidge{};
  Parser parser{ctx, out, LinkBuilder{link}};
  parser.area(su, len);
  BlockRef block;
  for (int hops = 0; parser.ce; hops++) {
    parser.ce = false;
    if (hops == kMaxContinuations) return -kEIO;
    if (parser.ce_block >= ctx.volume_blocks || parser.ce_offset >= kBlockSize ||
        parser.ce_length > kBlockSize - parser.ce_offset)
      return -kEIO;
    if (long r = ctx.cache->get(parser.ce_block, &block)) return r;
    parser.area(block.data() + parser.ce_offset, parser.ce_length);
  }
  out->link_len = parser.link.len;
  return 0;
}

bool find_susp_indicator(const uint8_t* su, size_t len, uint8_t* skip) {
  if (len < 7 || su[0] != 'S' || su[1] != 'P' || su[2] < 7 || su[4] != 0xBE || su[5] != 0xEF)
    return false;
  *skip = su[6];
  return true;
}

}  // namespace kiln::fs::iso9660
