#!/usr/bin/env bash
# What one SqliteBench point query costs, counted, not timed (issue 13): on the benchmark's table of ROWS rows,
#   1. syscalls per query (strace -f, the querying thread only, N queries after WARM), for the binding and for
#      sqlite-jdbc, with SQLite's default page cache and with one of as many pages as the file has, in locking
#      modes normal (SQLite's default) and exclusive;
#   2. user-space instructions per query (valgrind --tool=callgrind) of the sqlite3 command-line tool, the same
#      libsqlite3 as the binding, running the same point queries as SQL text: the run with WARM + N queries minus
#      the run with WARM, over N; whole program, and inclusive in sqlite3_prepare_v2, sqlite3_step, sqlite3_finalize.
# Needs strace, valgrind, sqlite3 (Debian packages of those names), jalloc-core and jalloc-examples built
# (./mvnw -B -q install -DskipTests -pl jalloc-core,jalloc-examples), a JDK 25 (JAVA=.../bin/java, or the one
# ./jalloc found) and, for the sqlite-jdbc rows, sqlite-jdbc 3.54.1.0 in ~/.m2 (./mvnw fetches it for jalloc-bench).
#   tools/sqlite-counts/count.sh [ROWS [WARM [N]]]      (defaults: 1000000 100000 20000; about 5 minutes)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rows="${1:-1000000}"
warm="${2:-100000}"
n="${3:-20000}"
java="${JAVA:-$(head -n 1 "$root/jalloc-cli/target/java-home" 2>/dev/null || true)/bin/java}"
[ -x "$java" ] || { echo "count.sh: no JDK 25: set JAVA=/path/to/bin/java (or run ./jalloc once)" >&2; exit 1; }
for tool in strace valgrind callgrind_annotate sqlite3; do
    command -v "$tool" >/dev/null || { echo "count.sh: $tool not found" >&2; exit 1; }
done
cp="$root/jalloc-core/target/classes:$root/jalloc-examples/target/classes"
jdbc="$(ls ~/.m2/repository/org/xerial/sqlite-jdbc/3.54.1.0/sqlite-jdbc-3.54.1.0.jar 2>/dev/null || true)"
[ -n "$jdbc" ] && cp="$cp:$jdbc"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run() { "$java" -cp "$cp" --enable-native-access=ALL-UNNAMED "$here/PointQueries.java" "$@"; }

run make "$work/rows.db" "$rows"
pages="$(sqlite3 "$work/rows.db" 'PRAGMA page_count')"
echo "table: $rows rows, $(stat -c %s "$work/rows.db") bytes, $pages pages of $(sqlite3 "$work/rows.db" \
    'PRAGMA page_size') bytes; SQLite $(sqlite3 --version | cut -d' ' -f1) (the binding), sqlite-jdbc 3.54.1.0"
echo
echo "1. syscalls per point query: strace -f, the querying thread, $n queries after a scan and $warm queries"
printf '%-8s %-8s %-9s %6s %6s %6s %9s %11s %6s %6s\n' contender cache locking fcntl stat fstat pread-16 \
    pread-4096 other total
for contender in binding jdbc; do
    [ "$contender" = jdbc ] && [ -z "$jdbc" ] && { echo "(no sqlite-jdbc jar in ~/.m2: its rows skipped)"; continue; }
    for cache in default "$pages"; do
        for locking in normal exclusive; do
            marks="$work/marks-$contender-$cache-$locking"
            mkdir "$marks"
            strace -f -o "$work/trace" "$java" -cp "$cp" --enable-native-access=ALL-UNNAMED \
                "$here/PointQueries.java" query "$work/rows.db" "$rows" "$warm" "$n" "$cache" "$locking" \
                "$marks" "$contender" >/dev/null
            # newfstatat/stat of a path count as stat; newfstatat(fd, "") and fstat as fstat
            awk -v marks="$marks" -v n="$n" -v c="$contender" -v k="$([ "$cache" = default ] && echo default \
                || echo table)" -v l="$locking" '
                index($0, marks "/begin\"") && /open/ { tid = $1; on = 1; next }
                index($0, marks "/end\"") && /open/ { on = 0 }
                !on || $1 != tid { next }
                {
                    if (match($2, /^[a-z0-9_]+\(/)) {
                        name = substr($2, 1, RLENGTH - 1)
                        if (name == "newfstatat") name = ($0 ~ /AT_EMPTY_PATH/) ? "fstat" : "stat"
                        count[name]++; total++
                    }
                    if ($0 ~ /pread64/ && $0 ~ /= 16$/) p16++
                    if ($0 ~ /pread64/ && $0 ~ /= 4096$/) p4k++
                }
                END {
                    other = total - count["fcntl"] - count["stat"] - count["fstat"] - count["pread64"]
                    printf "%-8s %-8s %-9s %6.2f %6.2f %6.2f %9.2f %11.2f %6.2f %6.2f\n", c, k, l,
                        count["fcntl"] / n, count["stat"] / n, count["fstat"] / n, p16 / n, p4k / n, other / n,
                        total / n
                }' "$work/trace"
        done
    done
done

echo
cw=20000
echo "2. instructions per point query (callgrind, user space): sqlite3 CLI, ($cw + $cw queries) - ($cw queries)"
queries() { awk -v a="$1" -v b="$2" -v rows="$rows" \
    'BEGIN { for (i = a; i < b; i++) printf "SELECT i, t, d FROM kv WHERE k = %d;\n", (i * 2654435761) % rows }'; }
printf '%-8s %10s %14s %14s %14s\n' cache program sqlite3_prepare sqlite3_step sqlite3_finalize
for cache in default "$pages"; do
    for part in A B; do
        {
            [ "$cache" != default ] && echo "PRAGMA cache_size = $cache;"
            echo 'SELECT sum(length(t)) FROM kv;'
            queries 0 "$cw"
            [ "$part" = B ] && queries "$cw" $((2 * cw))
        } > "$work/$part.sql"
        valgrind --tool=callgrind --callgrind-out-file="$work/cg-$part" sqlite3 "$work/rows.db" \
            < "$work/$part.sql" > /dev/null 2> "$work/cg-$part.err"
        callgrind_annotate --inclusive=yes --threshold=100 "$work/cg-$part" > "$work/cg-$part.txt" 2>/dev/null
    done
    ir() { # ir PART FUNCTION: the inclusive count of FUNCTION, or the program's total
        if [ "$2" = total ]; then grep -m 1 'PROGRAM TOTALS' "$work/cg-$1.txt"
        else grep -m 1 ":$2 \[" "$work/cg-$1.txt"; fi | awk '{ gsub(",", "", $1); print $1 }'
    }
    per() { echo $(( ($(ir B "$1") - $(ir A "$1")) / cw )); }
    printf '%-8s %10s %14s %14s %14s\n' "$([ "$cache" = default ] && echo default || echo table)" \
        "$(per total)" "$(per sqlite3_prepare_v2)" "$(per sqlite3_step)" "$(per sqlite3_finalize)"
done
