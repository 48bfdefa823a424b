#include "core/bootcfg.h"

#include "lib/json.h"
#include "lib/mem.h"

namespace kiln {
namespace {

constexpr size_t kMaxTokens = 1024;
// dup_string fails when memory runs out or the string holds \u0000.
constexpr const char* kBadString = "a string holds \\u0000, or memory ran out";

char* dup_string(const json::Value& v, void* (*alloc)(size_t)) {
  size_t n = v.string_length();
  auto s = static_cast<char*>(alloc(n + 1));
  if (s && !v.copy_string(s, n + 1)) return nullptr;
  return s;
}

bool string_list(const json::Value& v, const char** out, size_t max, size_t* count,
                 void* (*alloc)(size_t), const char** error, bool one_string_ok = false) {
  if (v.is_string() && one_string_ok) {  // Rumprun passed a single "env" as a plain string
    out[0] = dup_string(v, alloc);
    *count = 1;
    if (!out[0]) *error = kBadString;
    return out[0] != nullptr;
  }
  if (v.type() != json::Type::Array) {
    *error = "expected an array of strings";
    return false;
  }
  if (v.size() > max) {
    *error = "too many entries";
    return false;
  }
  for (size_t i = 0; i < v.size(); i++) {
    json::Value e = v.at(i);
    if (!e.is_string()) {
      *error = "expected an array of strings";
      return false;
    }
    out[i] = dup_string(e, alloc);
    if (!out[i]) {
      *error = kBadString;
      return false;
    }
  }
  *count = v.size();
  return true;
}

// "blk": [{"dev":"vda","path":"/dev/vda","fstype":"ext2","ro":false,"mountpoint":"/data"}]
bool block_list(const json::Value& v, BootConfig* out, void* (*alloc)(size_t), const char** error) {
  if (v.type() != json::Type::Array || v.size() > BootConfig::kMaxBlock) {
    *error = "\"blk\" must be an array of at most 26 devices";
    return false;
  }
  for (size_t i = 0; i < v.size(); i++) {
    json::Value e = v.at(i);
    BlockEntry& b = out->blk[i];
    json::Value dev = e.get("dev"), fstype = e.get("fstype"), mnt = e.get("mountpoint");
    if (!dev.is_string() || !fstype.is_string() || (mnt.valid() && !mnt.is_string())) {
      *error = "a \"blk\" entry needs \"dev\" and \"fstype\" strings";
      return false;
    }
    b.dev = dup_string(dev, alloc);
    b.fstype = dup_string(fstype, alloc);
    b.mountpoint = mnt.valid() ? dup_string(mnt, alloc) : nullptr;
    json::Value ro = e.get("ro");
    if (ro.valid() && !ro.as_bool(&b.read_only)) {
      *error = "\"ro\" must be true or false";
      return false;
    }
    if (!b.dev || !b.fstype || (mnt.valid() && !b.mountpoint)) {
      *error = "out of memory";
      return false;
    }
  }
  out->nblk = v.size();
  return true;
}

// "net": [{"if":"eth0","mac":"..","type":"inet","method":"static","addr":"..","mask":"24","gw":".."}]
bool net_list(const json::Value& v, BootConfig* out, void* (*alloc)(size_t), const char** error) {
  if (v.type() != json::Type::Array || v.size() > BootConfig::kMaxNet) {
    *error = "\"net\" must be an array of at most 16 entries";
    return false;
  }
  for (size_t i = 0; i < v.size(); i++) {
    json::Value e = v.at(i);
    NetEntry& n = out->net[i];
    auto text = [&](const char* key, const char** field, bool required) {
      json::Value x = e.get(key);
      if (!x.valid()) return !required;
      if (!x.is_string()) return false;
      *field = dup_string(x, alloc);
      return *field != nullptr;  // the message below covers \u0000 too
    };
    const char* mask = nullptr;
    if (!text("if", &n.ifname, true) || !text("type", &n.type, true) ||
        !text("method", &n.method, true) || !text("mac", &n.mac, false) ||
        !text("addr", &n.addr, false) || !text("gw", &n.gw, false) || !text("mask", &mask, false)) {
      *error = "a \"net\" entry needs \"if\", \"type\" and \"method\" strings";
      return false;
    }
    if (mask) {
      int p = 0;
      const char* c = mask;
      for (; *c >= '0' && *c <= '9' && p <= 128; c++) p = p * 10 + (*c - '0');
      if (c == mask || *c || p > 128) {
        *error = "\"mask\" must be a prefix length of at most 128";
        return false;
      }
      n.prefix = p;
    }
  }
  out->nnet = v.size();
  return true;
}

// "rc": [{"bin":"sh","argv":["sh","-c","..."],"runmode":"|"}]
bool rc_list(const json::Value& v, BootConfig* out, void* (*alloc)(size_t), const char** error) {
  if (v.type() != json::Type::Array || v.size() > BootConfig::kMaxRc) {
    *error = "\"rc\" must be an array of at most 16 programs";
    return false;
  }
  for (size_t i = 0; i < v.size(); i++) {
    json::Value e = v.at(i);
    RcEntry& r = out->rc[i];
    json::Value bin = e.get("bin"), argv = e.get("argv"), mode = e.get("runmode");
    if (!bin.is_string() || argv.type() != json::Type::Array || argv.size() < 1) {
      *error = "an \"rc\" entry needs a \"bin\" string and a non-empty \"argv\" array";
      return false;
    }
    r.bin = dup_string(bin, alloc);
    r.argv = static_cast<const char**>(alloc((argv.size() + 1) * sizeof(char*)));
    if (!r.bin || !r.argv) {
      *error = kBadString;
      return false;
    }
    if (!string_list(argv, r.argv, BootConfig::kMaxArgs, &r.argc, alloc, error)) return false;
    r.argv[r.argc] = nullptr;
    char m[2] = {};
    if (mode.valid() && (!mode.is_string() || mode.string_length() > 1 ||
                         !mode.copy_string(m, sizeof m) || (m[0] && m[0] != '&' && m[0] != '|'))) {
      *error = "\"runmode\" must be \"\", \"&\" or \"|\"";
      return false;
    }
    r.runmode = m[0];
  }
  if (v.size() && out->rc[v.size() - 1].runmode == '|') {
    *error = "the last \"rc\" program has nothing to pipe into";
    return false;
  }
  out->nrc = v.size();
  return true;
}

// "syslog": {"addr":"10.0.120.1","port":514,"hostname":"web"}
bool syslog_target(const json::Value& v, SyslogTarget* out, void* (*alloc)(size_t),
                   const char** error) {
  json::Value addr = v.get("addr"), port = v.get("port"), host = v.get("hostname");
  int64_t p = out->port;
  if (v.type() != json::Type::Object || !addr.is_string() || (host.valid() && !host.is_string()) ||
      (port.valid() && (!port.as_int(&p) || p < 1 || p > 65535))) {
    *error = "\"syslog\" needs an \"addr\" string, a \"port\" from 1 to 65535, a \"hostname\" string";
    return false;
  }
  out->addr = dup_string(addr, alloc);
  out->hostname = host.valid() ? dup_string(host, alloc) : nullptr;
  out->port = int(p);
  if (!out->addr || (host.valid() && !out->hostname)) {
    *error = kBadString;
    return false;
  }
  return true;
}

}  // namespace

int split_cmdline(const char* s, char** words, int max, void* (*alloc)(size_t)) {
  size_t len = strlen(s);
  int n = 0;
  const char* p = s;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    if (!*p) break;
    if (n == max) return -1;
    auto w = static_cast<char*>(alloc(len + 1));
    if (!w) return -1;
    size_t k = 0;
    char quote = 0;
    for (; *p; p++) {
      if (quote) {
        if (*p == quote) quote = 0;
        else if (*p == '\\' && quote == '"' && p[1]) w[k++] = *++p;
        else w[k++] = *p;
      } else if (*p == '\'' || *p == '"') {
        quote = *p;
      } else if (*p == '\\' && p[1]) {
        w[k++] = *++p;
      } else if (*p == ' ' || *p == '\t' || *p == '\n') {
        break;
      } else {
        w[k++] = *p;
      }
    }
    w[k] = 0;
    words[n++] = w;
  }
  return n;
}

bool parse_boot_config(const char* text, size_t len, BootConfig* out, void* (*alloc)(size_t),
                       const char** error) {
  *out = BootConfig{};
  if (len == 0) return true;
  auto tokens = static_cast<json::Token*>(alloc(sizeof(json::Token) * kMaxTokens));
  if (!tokens) {
    *error = "out of memory";
    return false;
  }
  json::Document doc;
  json::Error e = doc.parse(text, len, tokens, kMaxTokens);
  if (e != json::Error::None) {
    *error = json::error_string(e);
    return false;
  }
  json::Value root = doc.root();
  if (root.type() != json::Type::Object) {
    *error = "the configuration is not a JSON object";
    return false;
  }
  for (size_t i = 0; i < root.size(); i++) {
    json::Value key = root.key_at(i);
    json::Value v = root.at(i);
    if (key.equals("args")) {
      if (!string_list(v, out->args, BootConfig::kMaxArgs, &out->nargs, alloc, error))
        return false;
    } else if (key.equals("cmdline")) {
      char* line = v.is_string() ? dup_string(v, alloc) : nullptr;
      if (!line) {
        *error = "\"cmdline\" must be a string";
        return false;
      }
      int n = split_cmdline(line, const_cast<char**>(out->args), BootConfig::kMaxArgs, alloc);
      if (n < 0) {
        *error = "too many words in \"cmdline\"";
        return false;
      }
      out->nargs = size_t(n);
      out->has_argv0 = n > 0;
    } else if (key.equals("env")) {
      if (!string_list(v, out->env, BootConfig::kMaxEnv, &out->nenv, alloc, error, true))
        return false;
    } else if (key.equals("hostname")) {
      out->hostname = v.is_string() ? dup_string(v, alloc) : nullptr;
      if (!out->hostname) {
        *error = "\"hostname\" must be a string";
        return false;
      }
    } else if (key.equals("time")) {
      if (!v.as_int(&out->time_ns)) {
        *error = "\"time\" must be an integer";
        return false;
      }
    } else if (key.equals("verbose")) {
      if (!v.as_bool(&out->verbose)) {
        *error = "\"verbose\" must be true or false";
        return false;
      }
    } else if (key.equals("net")) {
      if (!net_list(v, out, alloc, error)) return false;
    } else if (key.equals("blk")) {
      if (!block_list(v, out, alloc, error)) return false;
    } else if (key.equals("rc")) {
      if (!rc_list(v, out, alloc, error)) return false;
    } else if (key.equals("syslog")) {
      if (!syslog_target(v, &out->syslog, alloc, error)) return false;
    } else if (key.equals("selftest")) {
      if (!v.as_bool(&out->selftest)) {
        *error = "\"selftest\" must be true or false";
        return false;
      }
    } else if (key.equals("probe")) {
      if (!v.as_bool(&out->probe)) {
        *error = "\"probe\" must be true or false";
        return false;
      }
    } else {
      if (out->nunknown < BootConfig::kMaxUnknown) out->unknown[out->nunknown++] = dup_string(key, alloc);
    }
  }
  return true;
}

}  // namespace kiln
