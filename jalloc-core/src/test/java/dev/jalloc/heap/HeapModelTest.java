package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jalloc.internal.os.Os;
import dev.jalloc.testing.AllocatorModel;
import dev.jalloc.testing.Seeds;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heap against a model of its live payloads ({@link AllocatorModel}): 1.5 &times; 10<sup>6</sup> random
 * operations per profile (6 &times; 10<sup>6</sup> here, with the best-fit model's 4 &times; 10<sup>6</sup> over
 * 10<sup>7</sup> in all), its invariant checker after every 1000, bad frees refused, and nothing live at the end.
 */
class HeapModelTest {
    private static final int OPS = 1_500_000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"small", "mixed", "aligned", "realloc-heavy"})
    void randomOperationsAgainstTheModel(String profile) {
        run(profile, Heap.create(4L << 30), OPS);
    }

    /**
     * A hardened heap against the same model: the canaries, the zeroing, the quarantines and the checks at reuse
     * must never mistake valid use for damage, and the statistics must leave quarantined payloads and canaries out.
     * {@code STANDARD} and {@code FULL} put a guard page after every slab and pool and place spans at random; the
     * last row guards every third slab only (slabs with and without guards side by side) and runs a third as long.
     */
    @ParameterizedTest(name = "{0}, {1}, guard slab interval {2}")
    @CsvSource({"LIGHT, mixed,", "STANDARD, mixed,", "STANDARD, aligned,", "FULL, realloc-heavy,",
        "STANDARD, small, 3"})
    void hardenedAgainstTheModel(Hardening level, String profile, Integer guardSlabInterval) {
        HeapBuilder builder = Heap.builder().reserveSize(4L << 30).hardening(level);
        if (guardSlabInterval != null) {
            builder.guardSlabInterval(guardSlabInterval);
        }
        run(profile + ", " + level, builder.build(), guardSlabInterval == null ? OPS / 10 : OPS / 30);
    }

    /**
     * The same over an OS layer whose page is 16 KiB or 64 KiB (Apple silicon, some aarch64 Linux kernels): heap
     * pages stay 4 KiB, commits, purges and recommits are whole OS pages, and a call the kernel would refuse
     * (misaligned to its page) throws.
     */
    @ParameterizedTest(name = "{0} KiB OS pages, {1}")
    @CsvSource({"16, mixed", "16, aligned", "64, mixed", "64, realloc-heavy"})
    void randomOperationsOverLargerOsPages(int pageKiB, String profile) {
        Os os = Os.withPageSize(Os.current(), pageKiB << 10);
        Heap heap = Heap.builder().reserveSize(4L << 30).os(os).build();
        run(profile + ", " + pageKiB + " KiB pages", heap, OPS / 3);
    }

    /**
     * The shared heap against the same model, each operation run on one of three threads (two platform threads
     * and a virtual one, switching every few operations), so that payloads are freed and resized by threads other
     * than the one that allocated them; the model stays sequential, so every check runs at a quiet moment.
     */
    @ParameterizedTest(name = "shared, {0}")
    @ValueSource(strings = {"small", "mixed", "aligned", "realloc-heavy"})
    void operationsSpreadOverThreadsAgainstTheModel(String profile) throws Exception {
        ExecutorService[] threads = {Executors.newSingleThreadExecutor(), Executors.newSingleThreadExecutor(),
                Executors.newSingleThreadExecutor(Thread.ofVirtual().factory())};
        try {
            Heap heap = Heap.builder().reserveSize(4L << 30).shared(true).build();
            SplittableRandom switches = Seeds.random("HeapModelTest[shared " + profile + "] thread switches");
            int[] current = {0};
            int[] left = {1};
            run("shared " + profile, heap, OPS / 15, new Function<>() {
                @Override
                public Object apply(Callable<?> call) {
                    if (--left[0] == 0) {
                        current[0] = switches.nextInt(threads.length);
                        left[0] = 1 + switches.nextInt(8);
                    }
                    try {
                        return threads[current[0]].submit(call).get();
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof RuntimeException r) {
                            throw r;
                        }
                        throw new AssertionError(e.getCause());
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            });
        } finally {
            for (ExecutorService t : threads) {
                t.shutdownNow();
            }
        }
    }

    private static void run(String profile, Heap created, int ops) {
        run(profile, created, ops, call -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw (RuntimeException) e;
            }
        });
    }

    /** Runs the model over {@code created}, every call to the heap made through {@code on}. */
    private static void run(String profile, Heap created, int ops, Function<Callable<?>, Object> on) {
        SplittableRandom random = Seeds.random("HeapModelTest[" + profile + "]");
        try (Heap heap = created) {
            AllocatorModel.Subject subject = new AllocatorModel.Subject() {
                @Override
                public long allocate(long byteSize, long byteAlignment) {
                    return (Long) on.apply(() -> heap.allocateAddressNoInit(byteSize, byteAlignment));
                }

                @Override
                public void free(long address) {
                    on.apply(() -> {
                        heap.free(address);
                        return null;
                    });
                }

                @Override
                public long reallocate(long address, long byteSize) {
                    return (Long) on.apply(() -> heap.reallocate(address, byteSize));
                }

                @Override
                public long usableSize(long address) {
                    return (Long) on.apply(() -> heap.usableSize(address));
                }

                @Override
                public void check() {
                    on.apply(() -> {
                        heap.check();
                        return null;
                    });
                }

                @Override
                public long state() {
                    return heap.liveBytes() * 31 + heap.liveAllocations() * 17 + heap.committedBytes();
                }

                @Override
                public void checkStats(long liveBlocks, long liveUsableBytes) {
                    HeapStats stats = (HeapStats) on.apply(heap::stats);
                    StatsChecks.checkHeap(stats, liveBlocks, liveUsableBytes);
                    assertEquals(heap.committedBytes(), stats.committedBytes(), "committed");
                }
            };
            AllocatorModel.Sizes sizes = switch (profile.split(",")[0]) {
                case "small" -> r -> r.nextInt(1025);
                case "realloc-heavy" -> AllocatorModel.mixed(512, 20, 40_000, 2, 400_000);
                case "aligned" -> AllocatorModel.mixed(256, 20, 8192, 5, 100_000);
                default -> r -> r.nextInt(20_000) == 0 ? (16 << 20) + r.nextInt(1 << 20)
                        : AllocatorModel.mixed(256, 20, 32 << 10, 1, 256 << 10).next(r);
            };
            long[] alignments = profile.startsWith("aligned")
                    ? new long[] {1, 8, 16, 16, 32, 64, 128, 4096, 8192, 1 << 16} : new long[] {16};
            AllocatorModel.run(subject, random, ops, sizes, alignments, profile.startsWith("realloc-heavy") ? 15 : 5,
                    1000);
            assertEquals(0, heap.liveAllocations());
            assertEquals(0, heap.liveBytes());
            heap.trim();
            heap.check();
        }
    }
}
