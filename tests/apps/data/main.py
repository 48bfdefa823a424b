# Run by tests/apps/python3_11.py in kiln and on the host: the output must
# match. json, hashlib, threading (a pool of workers hashing in parallel,
# a lock, a condition), and sqlite3 in memory.
import hashlib
import json
import sqlite3
import sys
import threading

doc = {"name": "kiln", "tags": ["unikernel", "debian"], "sizes": [1, 2.5, None, True], "nested": {"a": {"b": [1]}}}
text = json.dumps(doc, sort_keys=True, indent=2)
print(text)
assert json.loads(text) == doc
print(hashlib.sha256(text.encode()).hexdigest())
print(hashlib.md5(b"kiln").hexdigest(), hashlib.blake2b(b"kiln", digest_size=16).hexdigest())

results = {}
lock = threading.Lock()


def worker(n):
    h = hashlib.sha1()
    for i in range(2000):
        h.update(f"{n}:{i}".encode())
    with lock:
        results[n] = h.hexdigest()


threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(results), hashlib.sha256("".join(results[n] for n in range(8)).encode()).hexdigest())

ready = threading.Condition()
box = []


def producer():
    for i in range(5):
        with ready:
            box.append(i * i)
            ready.notify()


consumer_got = []
p = threading.Thread(target=producer)
p.start()
while len(consumer_got) < 5:
    with ready:
        ready.wait_for(lambda: box, timeout=10)
        consumer_got.extend(box)
        box.clear()
p.join()
print("condition:", consumer_got)

db = sqlite3.connect(":memory:")
db.execute("create table t(k text primary key, v integer)")
db.executemany("insert into t values (?, ?)", [(f"k{i}", i * i) for i in range(100)])
print("sqlite:", db.execute("select count(*), sum(v) from t").fetchone())
print("threads now:", threading.active_count(), sys.version_info[:2])
