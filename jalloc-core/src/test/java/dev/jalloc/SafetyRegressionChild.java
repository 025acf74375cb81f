package dev.jalloc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.heap.BestFitAllocator;
import dev.jalloc.heap.Heap;
import dev.jalloc.testing.ProcMaps;
import dev.jalloc.vector.IntVec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The misuses that once crashed, hung or silently corrupted the JVM, one scenario each, run in a child JVM by
 * {@link SafetyRegressionTest}: a crash is then a failed test, not a dead build. A scenario prints {@code PASS} at
 * the end; any assertion failure exits with status 1.
 */
public final class SafetyRegressionChild {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "bestFitStaleWrites" -> bestFitStaleWrites(Long.parseLong(args[1]));
            case "popToNeverPushedChecked" -> popToNeverPushed(true);
            case "popToNeverPushedUnchecked" -> popToNeverPushed(false);
            case "fixedOverClosedCallerMemory" -> fixedOverClosedCallerMemory();
            case "fixedOverCollectedAutoMemory" -> fixedOverCollectedAutoMemory();
            case "heapOnMappedFileTail" -> heapOnMappedFileTail(Path.of(args[1]));
            case "sharedArenaClosedFromAnotherThread" -> sharedArenaClosedFromAnotherThread();
            case "alignmentLongMinValue" -> alignmentLongMinValue();
            case "smallHeapReservations" -> smallHeapReservations();
            default -> throw new IllegalArgumentException("no scenario " + args[0]);
        }
        System.out.println("PASS");
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    static <T extends Throwable> T expect(Class<T> type, Runnable call, String what) {
        try {
            call.run();
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            throw new AssertionError(what + ": expected " + type.getSimpleName() + ", got " + t, t);
        }
        throw new AssertionError(what + ": expected " + type.getSimpleName() + ", nothing thrown");
    }

    /**
     * Stale segments of freed best-fit blocks written with ordinary values (counters, small ints, copies of
     * nearby words) must never make a later call crash, spin, or hand out memory that is still live.
     */
    static void bestFitStaleWrites(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try (BestFitAllocator fit = BestFitAllocator.create()) {
            List<MemorySegment> live = new ArrayList<>();
            for (int round = 0; round < 400; round++) {
                for (int i = 0; i < 40; i++) {
                    MemorySegment s = fit.allocate(16 + random.nextInt(random.nextBoolean() ? 200 : 5000));
                    s.fill((byte) 0x5A);
                    live.add(s);
                }
                List<MemorySegment> freed = new ArrayList<>();
                for (int i = 0; i < 20 && !live.isEmpty(); i++) {
                    MemorySegment s = live.remove(random.nextInt(live.size()));
                    fit.free(s);
                    freed.add(s);
                }
                // Use after free: write every word of the freed blocks with what a buggy program would write.
                for (MemorySegment s : freed) {
                    for (long off = 0; off + 8 <= s.byteSize(); off += 4) {
                        switch (random.nextInt(4)) {
                            case 0 -> s.set(JAVA_INT, off, (int) off);
                            case 1 -> s.set(JAVA_INT, off, random.nextInt(64));
                            case 2 -> s.set(JAVA_LONG, off & ~7, random.nextLong());
                            default -> s.set(JAVA_INT, off, round);
                        }
                    }
                }
                try {
                    fit.check();
                } catch (IllegalStateException detected) {
                    // A documented report of what the stale writes damaged is an acceptable outcome; going on is not.
                    System.out.println("detected: " + detected.getMessage());
                    return;
                }
                for (MemorySegment s : live) {
                    for (long off = 0; off < s.byteSize(); off += 8) {
                        check(s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off) == 0x5A,
                                "a live block was overwritten at round " + round);
                    }
                }
            }
        }
    }

    /** A position that was never handed out (an earlier block's unused reservation) is refused by popTo. */
    static void popToNeverPushed(boolean checked) {
        try (LinearArena arena = LinearArena.builder().reserveSize(1 << 20).commitStep(64 << 10).chaining(true)
                .checked(checked).build()) {
            arena.push(100);
            arena.push(2 << 20);   // does not fit the first reservation: chains a second one at pos 1 MiB
            check(arena.blockCount() == 2, "two blocks");
            long pos = arena.pos();
            long committed = arena.committedBytes();
            expect(IndexOutOfBoundsException.class, () -> arena.popTo(512 << 10), "popTo into the unused reservation");
            check(arena.pos() == pos && arena.committedBytes() == committed, "a refused popTo changes nothing");
            arena.popTo(100);     // a position that was handed out: fine
            arena.clear();
            arena.push(16);
            check(arena.committedBytes() <= 4 << 20, "committed " + arena.committedBytes() + " after a small push");
            try (IntVec tail = IntVec.onTailOf(arena)) {
                check(tail.capacity() >= 0, "a tail vector's capacity " + tail.capacity());
                tail.add(1);
            }
        }
    }

    /** An arena over memory of a JDK arena that the caller closes: its segments throw, they do not crash. */
    static void fixedOverClosedCallerMemory() {
        Arena caller = Arena.ofConfined();
        MemorySegment memory = caller.allocate(64 << 10);
        LinearArena arena = LinearArena.ofFixed(memory);
        MemorySegment pushed = arena.push(64);
        pushed.set(JAVA_LONG, 0, 42);
        caller.close();
        expect(IllegalStateException.class, () -> pushed.get(JAVA_LONG, 0), "reading a segment over closed memory");
        expect(IllegalStateException.class, () -> arena.push(64), "pushing on closed caller memory");
        expect(IllegalStateException.class, () -> arena.pushAddress(64, 8), "pushing an address on closed memory");
        arena.close();
    }

    /**
     * An arena over {@code Arena.ofAuto()} memory: its segments keep that memory alive, even once the arena itself and
     * the caller's segment are unreachable.
     */
    static void fixedOverCollectedAutoMemory() {
        List<MemorySegment> pushed = pushOnAnArenaOverAutoMemory();
        for (int gc = 0; gc < 5; gc++) {
            System.gc();
            // Churn the native heap so that freed memory would be reused and overwritten.
            for (int i = 0; i < 200; i++) {
                Arena.ofAuto().allocate(16 << 10).fill((byte) 0x77);
            }
        }
        for (int i = 0; i < pushed.size(); i++) {
            MemorySegment s = pushed.get(i);
            for (long off = 0; off < s.byteSize(); off += 512) {
                check(s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off) == (byte) i, "segment " + i + " lost its bytes");
            }
        }
    }

    /** {@return segments pushed on an arena over auto memory; neither the arena nor the memory is kept} */
    private static List<MemorySegment> pushOnAnArenaOverAutoMemory() {
        LinearArena arena = LinearArena.ofFixed(Arena.ofAuto().allocate(4 << 20));
        List<MemorySegment> pushed = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            MemorySegment s = arena.push(16 << 10);
            s.fill((byte) i);
            pushed.add(s);
        }
        return pushed;
    }

    /** A heap on the tail of an arena over a mapped file never replaces the file's pages with anonymous ones. */
    static void heapOnMappedFileTail(Path file) throws IOException {
        long size = 32 << 20;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE); Arena jdk = Arena.ofConfined()) {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(new byte[] {1}), size - 1);
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, jdk);
            try (LinearArena arena = LinearArena.ofFixed(mapped); Heap heap = Heap.onTailOf(arena)) {
                List<Long> blocks = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    blocks.add(heap.allocateAddressNoInit(256 << 10, 16));
                }
                for (long b : blocks) {
                    heap.free(b);   // more than 1 MiB of free pages: decay purges them
                }
                heap.trim();
                MemorySegment again = heap.allocate(4 << 20);
                again.fill((byte) 0x42);
                long offset = again.address() - mapped.address();
                mapped.force();
                ByteBuffer read = ByteBuffer.allocate(4096);
                channel.read(read, offset + 4096);
                check(read.get(0) == 0x42 && read.get(4095) == 0x42, "the heap's writes did not reach the file");
            }
        }
    }

    /** Closing a shared arena from another thread while a heap with a huge allocation lives on its tail completes. */
    static void sharedArenaClosedFromAnotherThread() throws InterruptedException {
        LinearArena arena = LinearArena.builder().shared(true).build();
        Heap heap = Heap.onTailOf(arena);
        MemorySegment huge = heap.allocate(20 << 20);
        huge.set(JAVA_LONG, 0, 1);
        long address = huge.address();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                arena.close();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        closer.join();
        check(failure.get() == null, "close from another thread threw " + failure.get());
        expect(IllegalStateException.class, arena::pos, "the arena is closed");
        expect(IllegalStateException.class, () -> huge.get(JAVA_LONG, 0), "the huge segment is closed");
        if (ProcMaps.available()) {
            for (ProcMaps.Mapping m : ProcMaps.read()) {
                check(!(m.start() <= address && address < m.end()), "the huge mapping is still there: " + m);
            }
        }
    }

    /** {@code Long.MIN_VALUE} (and every other non-power of two) is refused as an alignment everywhere. */
    static void alignmentLongMinValue() {
        for (long bad : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 3, Long.MAX_VALUE, 1L << 62}) {
            try (LinearArena chained = LinearArena.ofChained(); LinearArena virtual = LinearArena.ofVirtual();
                 Heap heap = Heap.create(); BestFitAllocator fit = BestFitAllocator.create()) {
                for (LinearArena arena : List.of(chained, virtual)) {
                    arena.push(8);
                    long pos = arena.pos();
                    expect(IllegalArgumentException.class, () -> arena.pushAddress(8, bad), "pushAddress " + bad);
                    expect(IllegalArgumentException.class, () -> arena.pushAddressNoInit(8, bad), "pushAddressNoInit");
                    expect(IllegalArgumentException.class, () -> arena.push(8, bad), "push " + bad);
                    expect(IllegalArgumentException.class, () -> arena.pushNoInit(8, bad), "pushNoInit " + bad);
                    expect(IllegalArgumentException.class, () -> arena.allocate(8, bad), "allocate " + bad);
                    expect(IllegalArgumentException.class, () -> arena.pushAligner(bad), "pushAligner " + bad);
                    expect(IllegalArgumentException.class, () -> arena.setAutoAlign(bad), "setAutoAlign " + bad);
                    check(arena.pos() == pos, "pos moved after a refused push");
                }
                long live = heap.liveBytes();
                expect(IllegalArgumentException.class, () -> heap.allocateAddressNoInit(8, bad), "heap " + bad);
                expect(IllegalArgumentException.class, () -> heap.allocate(8, bad), "heap segment " + bad);
                expect(IllegalArgumentException.class, () -> fit.allocateAddressNoInit(8, bad), "best fit " + bad);
                expect(IllegalArgumentException.class, () -> fit.allocate(8, bad), "best fit segment " + bad);
                check(heap.liveBytes() == live, "heap changed after a refused allocation");
            }
        }
    }

    /** Small reservations work or are refused with their documented exception, never an undocumented one. */
    static void smallHeapReservations() {
        for (long n : new long[] {1, 4096, 100_000, 511 << 10, 512 << 10}) {
            try (Heap heap = Heap.create(n)) {
                long a = heap.allocateAddressNoInit(64, 16);
                heap.free(a);
            } catch (OutOfNativeMemoryError | IllegalArgumentException documented) {
                System.out.println("Heap.create(" + n + "): " + documented);
            }
        }
        for (long room : new long[] {0, 100, 4095, 4096, 8192, 65536}) {
            try (LinearArena arena = LinearArena.ofFixed(1 << 20)) {
                arena.push((1 << 20) - room);
                long pos = arena.pos();
                Supplier<String> what = () -> "onTailOf with " + room + " bytes left";
                try (Heap heap = Heap.onTailOf(arena)) {
                    heap.free(heap.allocateAddressNoInit(16, 16));
                } catch (OutOfNativeMemoryError documented) {
                    System.out.println(what.get() + ": " + documented.getMessage());
                }
                check(arena.pos() == pos, what.get() + ": pos changed");
                try (BestFitAllocator fit = BestFitAllocator.onTailOf(arena)) {
                    fit.free(fit.allocateAddressNoInit(16, 16));
                } catch (OutOfNativeMemoryError documented) {
                    System.out.println("best fit " + what.get() + ": " + documented.getMessage());
                }
                check(arena.pos() == pos, what.get() + ": pos changed (best fit)");
                arena.push(room, 1);
            }
        }
    }
}
