package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jalloc.internal.os.Os;
import dev.jalloc.testing.AllocatorModel;
import dev.jalloc.testing.Seeds;
import java.util.SplittableRandom;
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

    private static void run(String profile, Heap created, int ops) {
        SplittableRandom random = Seeds.random("HeapModelTest[" + profile + "]");
        try (Heap heap = created) {
            AllocatorModel.Subject subject = new AllocatorModel.Subject() {
                @Override
                public long allocate(long byteSize, long byteAlignment) {
                    return heap.allocateAddressNoInit(byteSize, byteAlignment);
                }

                @Override
                public void free(long address) {
                    heap.free(address);
                }

                @Override
                public long reallocate(long address, long byteSize) {
                    return heap.reallocate(address, byteSize);
                }

                @Override
                public long usableSize(long address) {
                    return heap.usableSize(address);
                }

                @Override
                public void check() {
                    heap.check();
                }

                @Override
                public long state() {
                    return heap.liveBytes() * 31 + heap.liveAllocations() * 17 + heap.committedBytes();
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
