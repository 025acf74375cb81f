package dev.jalloc.arena;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.testing.Seeds;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pushes on a shared arena from several threads at once go through its lock-free window (a compare-and-set of the
 * offset) and, when a block fills, through the lock: every push is aligned, zeroed when asked, apart from every
 * other, and keeps what its thread wrote; the arena's position is the sum of what was taken; pops and temps taken
 * while pushes run (each under the lock, which closes the window first) leave the arena consistent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedPushTest {

    private static LinearArena arena(String kind) {
        return switch (kind) {
            case "virtual" -> LinearArena.builder().shared(true).build();
            case "chained" -> LinearArena.builder().shared(true).chaining(true).reserveSize(256 << 10).build();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"virtual", "chained"})
    void pushesFromFourThreadsAreAlignedZeroedAndApart(String kind) throws Exception {
        long seed = Seeds.seed("SharedPushTest.pushesFromFourThreads[" + kind + "]");
        try (LinearArena arena = arena(kind)) {
            int threads = 4;
            int pushes = 20_000;
            CyclicBarrier start = new CyclicBarrier(threads);
            List<List<MemorySegment>> got = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<MemorySegment> mine = new ArrayList<>();
                got.add(mine);
                byte fill = (byte) (0x11 * (t + 1));
                SplittableRandom r = new SplittableRandom(seed + t);
                running.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < pushes; i++) {
                            long size = r.nextInt(r.nextInt(50) == 0 ? 5000 : 100);
                            long align = 1L << r.nextInt(7);
                            MemorySegment s;
                            if (r.nextBoolean()) {
                                s = arena.push(size, align);
                                for (long b = 0; b < size; b++) {
                                    if (s.get(JAVA_BYTE, b) != 0) {
                                        throw new AssertionError("push not zeroed at " + b + ": " + s);
                                    }
                                }
                            } else {
                                s = arena.pushNoInit(size, align);
                            }
                            assertEquals(0, s.address() % align, "misaligned");
                            s.fill(fill);
                            mine.add(s);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : running) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            List<MemorySegment> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte fill = (byte) (0x11 * (t + 1));
                for (MemorySegment s : got.get(t)) {
                    for (long b = 0; b < s.byteSize(); b++) {
                        if (s.get(JAVA_BYTE, b) != fill) {
                            throw new AssertionError("thread " + t + "'s push " + s + " overwritten at " + b);
                        }
                    }
                    all.add(s);
                }
            }
            all.sort(Comparator.comparingLong(MemorySegment::address));
            for (int i = 1; i < all.size(); i++) {
                MemorySegment a = all.get(i - 1);
                MemorySegment b = all.get(i);
                assertTrue(a.address() + a.byteSize() <= b.address() || a.byteSize() == 0 || b.byteSize() == 0,
                        a + " overlaps " + b);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"virtual", "chained"})
    void tempsAndPopsOfOneThreadWhileOthersPush(String kind) throws Exception {
        long seed = Seeds.seed("SharedPushTest.tempsAndPops[" + kind + "]");
        try (LinearArena arena = arena(kind)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Supplier<Runnable> pusher = () -> () -> {
                SplittableRandom r = new SplittableRandom(seed);
                try {
                    for (int i = 0; i < 50_000; i++) {
                        MemorySegment s = arena.push(1 + r.nextInt(64), 8);
                        s.fill((byte) 7);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            };
            Thread a = Thread.ofPlatform().start(pusher.get());
            Thread b = Thread.ofPlatform().start(pusher.get());
            long base = arena.pos();
            for (int i = 0; i < 2000; i++) {
                try (Temp t = arena.temp()) {
                    long p = arena.pos();
                    assertTrue(p >= t.startPos());
                    arena.push(32, 8).fill((byte) 1);
                }
                assertTrue(arena.pos() >= base);
            }
            a.join();
            b.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            long end = arena.pos();
            arena.popTo(base);
            assertEquals(base, arena.pos());
            arena.push(end - base > 0 ? 16 : 8, 8);
        }
    }
}
