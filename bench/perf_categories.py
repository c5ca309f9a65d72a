"""Summarizes `perf script -F tid,ip,sym,dso` of a cold import by thread
(main = the writer, the lowest tid; workers = the scanner threads and the
rollup's second thread) and by what the sampled function does."""
import collections
import re
import sys

rows = []
for line in sys.stdin:
    p = line.split(None, 2)
    if len(p) < 2:
        continue
    rows.append((int(p[0]), p[2] if len(p) > 2 else ""))
main = min(t for t, _ in rows)


def category(rest, is_main):
    if "kallsyms" in rest:
        return "kernel: WAL and database writes, page faults" if is_main else "read: kernel copy from the page cache"
    if "libsimdjson" in rest or re.search(r"Impl::|read_usage|read_count|read_string|parse_iso8601", rest):
        return "parse: simdjson and the fields"
    if re.search(r"LineParser::parse|memchr|memrchr|find_usage", rest):
        return "scan: split lines, find \"usage\""
    if "RequestSet::add" in rest:
        return "dedup within a chunk"
    if "libsqlite3" in rest:
        return "SQLite (upsert = dedup on the unique index, indexes, reconcile, rollup)"
    if "libc" in rest:
        return "libc: malloc/free, memcpy, memcmp, locks"
    return "clown: pricing, writer, other"


counts = collections.Counter((("main   " if t == main else "workers") + " " + category(r, t == main)) for t, r in rows)
for k, v in counts.most_common():
    print(f"{100 * v / len(rows):5.1f}%  {k}")
print(f"{len(rows)} samples")
