#!/usr/bin/env bash
# Records malloc-lab traces of real programs with malloctrace.so, into DIR (default: target/traces):
#   cc1plus.rep   g++ -O2 compiling a C++ file that uses the standard containers, regex and streams (a compiler)
#   python.rep    CPython 3 with PYTHONMALLOC=malloc (every object through malloc) building a dict of 800,000
#                 entries (~180 MB live), then replacing random entries with values of other sizes (an
#                 interpreter, and a large live set that churns)
#   sqlite.rep    sqlite3 (the CLI) filling a table of 200,000 rows with an index, then updates, deletes, queries
#                 (a database)
#   jq.rep        jq reading a 30 MB JSON document and rewriting it (a JSON tool)
# Needs gcc, g++, python3, sqlite3 (Debian: sqlite3), jq (Debian: jq). Each trace is the biggest process's file.
#   tools/malloctrace/record.sh [DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-target/traces}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for tool in gcc g++ python3 sqlite3 jq; do
    command -v "$tool" >/dev/null || { echo "record.sh: $tool not found (Debian package: $tool)" >&2; exit 1; }
done
gcc -O2 -shared -fPIC -o "$work/malloctrace.so" "$here/malloctrace.c" -lpthread

# record NAME COMMAND...: runs COMMAND traced, keeps the largest trace of its processes as DIR/NAME.rep
record() {
    local name="$1"; shift
    rm -f "$work"/run.*
    MALLOCTRACE_OUT="$work/run" LD_PRELOAD="$work/malloctrace.so" "$@"
    local biggest
    biggest="$(ls -S "$work"/run.*.rep | head -n 1)"
    mv "$biggest" "$out/$name.rep"
    printf '%-12s %12s ops  %10s ids  peak live %s bytes\n' >&2 "$name" "$(sed -n 3p "$out/$name.rep")" \
        "$(sed -n 2p "$out/$name.rep")" "$(sed -n 1p "$out/$name.rep")"
}

cat > "$work/prog.cpp" <<'EOF'
#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>
template <typename K, typename V> struct Index {
    std::map<K, std::vector<V>> by_key;
    std::unordered_map<V, std::set<K>> back;
    void add(const K& k, const V& v) { by_key[k].push_back(v); back[v].insert(k); }
};
using Value = std::variant<long, double, std::string, std::vector<std::string>>;
int main(int argc, char** argv) {
    Index<std::string, long> a; Index<long, std::string> b; Index<std::string, std::string> c;
    std::regex word("[a-z]+"); std::vector<std::function<Value(int)>> fs;
    fs.push_back([](int i) -> Value { return (long) i; });
    fs.push_back([](int i) -> Value { return std::to_string(i); });
    std::stringstream s; for (int i = 0; i < argc; i++) { a.add(argv[i], i); b.add(i, argv[i]); c.add(argv[i], argv[i]); }
    auto it = std::sregex_iterator(s.str().begin(), s.str().end(), word);
    std::sort(fs.begin(), fs.end(), [](auto&, auto&) { return false; });
    std::cout << a.by_key.size() + b.by_key.size() + c.by_key.size() << (it == std::sregex_iterator()) << std::endl;
}
EOF
record cc1plus g++ -O2 -std=c++17 -c -o "$work/prog.o" "$work/prog.cpp"

cat > "$work/churn.py" <<'EOF'
import random
random.seed(4141)
d = {}
for i in range(800_000):
    d[i] = "v" * random.randint(8, 120)
for step in range(800_000):
    k = random.randrange(800_000)
    d[k] = "w" * random.randint(8, 120) if step % 3 else [step, str(step)]
print(len(d))
EOF
record python env PYTHONMALLOC=malloc python3 "$work/churn.py" >/dev/null

cat > "$work/db.sql" <<'EOF'
PRAGMA cache_size = -65536;
CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, body BLOB);
CREATE INDEX t_name ON t (name);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
INSERT INTO t SELECT i, printf('name-%08d', (i * 7919) % 200000), i * 0.5, randomblob(20 + i % 180) FROM n;
UPDATE t SET body = randomblob(40 + id % 300) WHERE id % 3 = 0;
DELETE FROM t WHERE id % 7 = 0;
SELECT count(*), sum(length(body)) FROM t WHERE name > 'name-00100000';
SELECT name, count(*) FROM t GROUP BY substr(name, 1, 9) ORDER BY 2 DESC LIMIT 3;
EOF
record sqlite sqlite3 "$work/db.sqlite" < "$work/db.sql" >/dev/null

python3 - "$work/doc.json" <<'EOF'
import json, random, sys
random.seed(4141)
doc = [{"id": i, "name": "item-%d" % i, "tags": ["t%d" % random.randrange(100) for _ in range(random.randrange(1, 8))],
        "score": random.random(), "nested": {"a": random.randrange(1000), "b": "x" * random.randrange(0, 60)}}
       for i in range(150_000)]
json.dump(doc, open(sys.argv[1], "w"))
EOF
record jq jq -c '[.[] | select(.score > 0.3) | {id, name, n: (.tags | length), b: .nested.b}] | sort_by(.n) | length' \
    "$work/doc.json" >/dev/null
