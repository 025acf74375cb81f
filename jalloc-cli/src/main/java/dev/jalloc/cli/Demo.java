package dev.jalloc.cli;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.arena.Scratch;
import dev.jalloc.arena.Temp;
import dev.jalloc.cli.ui.HelpOption;
import dev.jalloc.vector.IntVec;
import dev.jalloc.vector.LayoutVec;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code jalloc demo}: every growth mode of {@link LinearArena} at work on real memory, with the arena's
 * position, committed and reserved bytes and block count printed after each step, so that a newcomer sees what
 * each mode does with the OS. Also temps, checked mode, scratch arenas, shared arenas, large pages, and vectors
 * that grow without copying; then the heaps ({@link HeapDemo}); last, where the examples are and how to run them.
 */
@Command(name = "demo", description = {
            "walk through every kind of linear arena, vector and heap on real memory (seconds)", "",
            "Every growth mode of LinearArena at work on real memory, with the arena's position, committed "
                + "and reserved bytes and block count after each step; then temps, checked mode, scratch arenas, "
                + "shared arenas, large pages, and vectors that grow without copying; the heap and best fit with "
                + "their statistics, a heap on an arena's tail, a shared heap across threads, a leak report and "
                + "the heap's picture; last, the examples (real programs on jalloc) and how to run them."})
final class Demo implements Callable<Integer> {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final StructLayout POINT = MemoryLayout.structLayout(JAVA_INT.withName("x"),
            JAVA_INT.withName("y"));

    private final PrintStream out;

    @Mixin
    private HelpOption help;

    Demo(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        long started = System.nanoTime();
        out.println("jalloc demo: linear arenas, vectors and heaps on real memory");
        out.println("Columns: pos = the arena's position; committed / reserved = memory the arena holds from the OS;");
        out.println("blocks = blocks in its chain; rss = this process's resident memory (touched pages).");
        fixedOverCallerMemory();
        fixedBlock();
        chained();
        virtual();
        virtualChained();
        tempsAndCheckedMode();
        scratch();
        shared();
        largePages();
        vectors();
        vectorOnATail();
        new HeapDemo(out).run(12);
        examples();
        out.printf("%nDone in %.1f s.%n", (System.nanoTime() - started) / 1e9);
        return 0;
    }

    // ---- the modes ----

    private void fixedOverCallerMemory() {
        section("1. Fixed, over memory you own: LinearArena.ofFixed(segment)");
        try (Arena owner = Arena.ofConfined()) {
            MemorySegment buffer = owner.allocate(4 * KIB, 64);
            try (LinearArena arena = LinearArena.ofFixed(buffer)) {
                header();
                row("new over a 4 KiB buffer", arena);
                MemorySegment points = arena.allocate(POINT, 100);
                row("allocate(POINT, 100): 800 bytes", arena);
                out.printf("    points start at the buffer's first byte: %b%n", points.address() == buffer.address());
                try {
                    arena.push(8 * KIB);
                } catch (OutOfNativeMemoryError e) {
                    out.println("    push(8 KiB) -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                row("after the refused push (unchanged)", arena);
                arena.clear();
                row("clear()", arena);
            }
            out.println("    closed the arena; your buffer is still alive: " + buffer.scope().isAlive());
        }
    }

    private void fixedBlock() {
        section("2. Fixed, one OS block committed up front: LinearArena.ofFixed(64 KiB)");
        try (LinearArena arena = LinearArena.ofFixed(64 * KIB)) {
            header();
            row("new", arena);
            for (int i = 0; i < 3; i++) {
                arena.push(16 * KIB);
            }
            row("3 x push(16 KiB)", arena);
            try {
                arena.push(32 * KIB);
            } catch (OutOfNativeMemoryError e) {
                out.println("    push(32 KiB) -> " + e.getMessage());
            }
        }
    }

    private void chained() {
        section("3. Chained: committed blocks linked as they fill (64 KiB blocks here)");
        try (LinearArena arena = LinearArena.builder().reserveSize(64 * KIB).commitStep(64 * KIB).chaining(true)
                .build()) {
            header();
            row("new", arena);
            for (int i = 1; i <= 200; i++) {
                arena.push(KIB);
                if (i == 60 || i == 64 || i == 200) {
                    row(i + " x push(1 KiB)", arena);
                }
            }
            out.println("    pos jumped past the end of each full block: a block's first byte has the position just");
            out.println("    past the previous block's reservation, so positions stay monotonic across the chain.");
            arena.push(MIB);
            row("push(1 MiB): a block of its own", arena);
            arena.clear();
            row("clear(): blocks kept as spares", arena);
            for (int i = 0; i < 200; i++) {
                arena.push(KIB);
            }
            row("200 x push(1 KiB) again: spares reused", arena);
        }
    }

    private void virtual() {
        section("4. Virtual: one 64 GiB reservation, committed 1 MiB at a time: LinearArena.ofVirtual()");
        try (LinearArena arena = LinearArena.builder().retainBytes(8 * MIB).build()) {
            header();
            row("new", arena);
            MemorySegment first = arena.push(100);
            row("push(100)", arena);
            MemorySegment big = arena.pushNoInit(200 * MIB);
            row("pushNoInit(200 MiB): committed, not touched", arena);
            big.fill((byte) 1);
            row("filled it: now resident", arena);
            MemorySegment after = arena.push(100);
            out.printf("    addresses never move: first push at %#x, the one after 200 MiB at %#x (+%d)%n",
                    first.address(), after.address(), after.address() - first.address());
            arena.clear();
            row("clear(): purged above retainBytes (8 MiB)", arena);
            out.println("    the purged pages stay mapped: the stale 200 MiB segment now reads "
                    + big.get(JAVA_LONG, 100 * MIB) + " instead of crashing the JVM");
        }
    }

    private void virtualChained() {
        section("5. Virtual + chained: 16 MiB reservations committed 1 MiB at a time, linked as they fill");
        try (LinearArena arena = LinearArena.builder().reserveSize(16 * MIB).commitStep(MIB).chaining(true)
                .build()) {
            header();
            row("new", arena);
            arena.pushNoInit(10 * MIB);
            row("pushNoInit(10 MiB)", arena);
            arena.pushNoInit(10 * MIB);
            row("pushNoInit(10 MiB): next reservation", arena);
            arena.pushNoInit(40 * MIB);
            row("pushNoInit(40 MiB): one of its own", arena);
            arena.setChaining(false);
            try {
                arena.pushNoInit(30 * MIB);
            } catch (OutOfNativeMemoryError e) {
                out.println("    setChaining(false), pushNoInit(30 MiB) -> " + e.getMessage());
            }
        }
    }

    // ---- scopes ----

    private void tempsAndCheckedMode() {
        section("6. Temps, and checked mode");
        try (LinearArena arena = LinearArena.builder().checked(true).build()) {
            arena.push(64);
            out.println("    pos before the temp: " + arena.pos());
            MemorySegment kept;
            try (Temp temp = arena.temp()) {
                kept = temp.allocateFrom("a string pushed inside a temp");
                out.println("    pos inside the temp: " + arena.pos() + " (" + kept.getString(0) + ")");
            }
            out.println("    pos after the temp:  " + arena.pos());
            try {
                kept.getString(0);
                out.println("    the temp's segment is still readable (unexpected in checked mode)");
            } catch (IllegalStateException e) {
                out.println("    checked mode: reading the temp's segment after it ended -> IllegalStateException: "
                        + e.getMessage());
            }
            Temp outer = arena.temp();
            Temp inner = arena.temp();
            try {
                outer.close();
            } catch (IllegalStateException e) {
                out.println("    closing the outer temp first -> " + e.getMessage());
            }
            inner.close();
            outer.close();
        }
    }

    private void scratch() {
        section("7. Scratch arenas: two per thread, Scratch.begin(conflicts...) picks one not in use");
        try (Temp outer = Scratch.begin()) {
            try (Temp inner = Scratch.begin(outer.arena())) {
                out.println("    Scratch.begin(): arena #" + System.identityHashCode(outer.arena())
                        + ", Scratch.begin(that arena): arena #" + System.identityHashCode(inner.arena()));
                inner.allocate(3 * MIB);
                out.printf("    this thread's scratch arenas hold %s committed%n", bytes(Scratch.committedBytes()));
            }
        }
        Scratch.release();
        out.printf("    Scratch.release(): %s committed%n", bytes(Scratch.committedBytes()));
    }

    private void shared() {
        section("8. Shared: pushes from several threads");
        try (LinearArena arena = LinearArena.builder().shared(true).build()) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        arena.push(16).set(JAVA_LONG, 0, i);
                    }
                }));
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            out.println("    4 threads x 10,000 push(16): pos = " + arena.pos() + " (= 40,000 x 16)");
        }
    }

    private void largePages() {
        section("9. Large pages on request");
        try (LinearArena arena = LinearArena.builder().largePages(true).build()) {
            if (arena.largePages()) {
                arena.pushNoInit(8 * MIB).fill((byte) 1);
                out.printf("    granted: page size %s, commit step %s; %s%n", bytes(arena.pageSize()),
                        bytes(arena.commitStep()), anonHugePages());
            } else {
                out.println("    refused by the OS (the reason is logged above); page size " + bytes(arena.pageSize()));
            }
        }
    }

    private void vectors() {
        section("10. Vectors: IntVec grows by committing pages, never by copying; its address never changes");
        out.printf("    %-34s %12s %12s %11s %11s %16s %10s%n", "step", "size", "capacity", "live", "committed",
                "address", "rss");
        try (IntVec v = IntVec.create()) {
            vectorRow("IntVec.create(): 64 GiB reserved", v);
            MemorySegment early = null;
            long next = 1;
            for (int i = 0; i < 64_000_000; i++) {
                v.add(i);
                if (i == 999) {
                    early = v.segment();
                }
                if (i + 1 == next) {
                    vectorRow(String.format("add() x %,d", i + 1), v);
                    next *= 8;
                }
            }
            vectorRow("add() x 64,000,000", v);
            v.set(500, -1);
            out.printf("    a segment taken at size 1000 still works after 64000x growth and sees the write: %d%n",
                    early.get(JAVA_INT, 500L * 4));
            v.truncate(1_000_000);
            vectorRow("truncate(1,000,000): slack kept", v);
            v.trimToSize();
            vectorRow("trimToSize(): pages given back", v);
        }
    }

    private void vectorOnATail() {
        section("11. A vector on an arena's tail: the arena is frozen while it grows, then its elements stay pushed");
        try (LinearArena arena = LinearArena.ofVirtual()) {
            arena.push(100);
            LayoutVec points = LayoutVec.onTailOf(arena, POINT);
            for (int i = 0; i < 100_000; i++) {
                MemorySegment p = points.add();
                p.set(JAVA_INT, 0, i);
                p.set(JAVA_INT, 4, -i);
            }
            out.printf("    100,000 points on the tail: %s; arena pos still %d%n", points, arena.pos());
            try {
                arena.push(8);
            } catch (IllegalStateException e) {
                out.println("    arena.push(8) while the vector grows: " + e.getMessage());
            }
            MemorySegment all = points.segment();
            points.close();
            out.printf("    after points.close(): arena pos %d (100 + padding + 800,000 bytes of points),"
                    + " point 99,999 still reads (%d, %d)%n", arena.pos(), all.get(JAVA_INT, 99_999L * 8),
                    all.get(JAVA_INT, 99_999L * 8 + 4));
        }
    }

    /** Where to go next: the real programs of jalloc-examples, and the commands that run them. */
    private void examples() {
        out.println();
        out.println("Examples: real programs on jalloc, in jalloc-examples (docs/EXAMPLES.md)");
        out.println("  sqlite: an FFM binding to the system's SQLite (libsqlite3) whose every call takes its temporaries");
        out.println("    (C strings, out-pointers) from a scratch temp instead of an Arena.ofConfined() per call.");
        out.println("    its tests:     ./mvnw -B -pl jalloc-core,jalloc-examples verify -Dtest='dev.jalloc.examples.**'"
                + " -Dsurefire.failIfNoSpecifiedTests=false");
        out.println("    its benchmark: ./jalloc bench SqliteBench -prof gc   (against a confined arena per call and"
                + " sqlite-jdbc)");
        out.println("  redis: a Redis-protocol (RESP2) server whose keys, values and list nodes live in a shared heap;");
        out.println("    redis-cli and redis-benchmark (Debian package redis-tools) run against it unmodified.");
        out.println("    run it:        ./jalloc redis --port 6379   (stop: redis-cli shutdown; prints the leak report)");
        out.println("    its benchmark: ./jalloc redisbench   (against byte[], Netty's pooled buffers and redis-server)");
    }

    private void vectorRow(String step, IntVec v) {
        out.printf("    %-34s %,12d %,12d %11s %11s %#16x %10s%n", step, v.size(), v.capacity(), bytes(v.byteSize()),
                bytes(v.committedBytes()), v.address(), rss());
    }

    // ---- printing ----

    private void section(String title) {
        out.println();
        out.println(title);
    }

    private void header() {
        out.printf("    %-44s %12s %11s %11s %6s %10s%n", "step", "pos", "committed", "reserved", "blocks", "rss");
    }

    private void row(String step, LinearArena arena) {
        out.printf("    %-44s %12d %11s %11s %6d %10s%n", step, arena.pos(), bytes(arena.committedBytes()),
                bytes(arena.reservedBytes()), arena.blockCount(), rss());
    }

    private static String rss() {
        return status("VmRSS:");
    }

    private static String anonHugePages() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("AnonHugePages:")) {
                    return "this process has " + line.replaceAll("\\s+", " ").substring(15) + " in huge pages";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "huge page usage not visible on this system";
    }

    private static String status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return bytes(Long.parseLong(line.replaceAll("\\D", "")) * KIB);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "-";
    }

    static String bytes(long n) {
        if (n < KIB) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.1f", v)) + " " + units[u];
    }
}
