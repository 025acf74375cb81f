package dev.jalloc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A randomized model test for any allocator with a free, in raw addresses: after every operation no two live
 * payloads overlap, each is aligned and at least as large as asked, and each still holds the bytes written into
 * it (checked in full before every free and resize, and in part on every step); the allocator's own invariant
 * check runs after every batch, with attempts at bad frees that must be refused and change nothing.
 */
public final class AllocatorModel {

    /** The allocator under test, in addresses. */
    public interface Subject {
        long allocate(long byteSize, long byteAlignment);

        void free(long address);

        long reallocate(long address, long byteSize);

        long usableSize(long address);

        /** Runs the allocator's invariant checker. */
        void check();

        /** {@return a number that changes when the allocator's state does: for "unchanged after a refusal"} */
        long state();

        /**
         * Checks the allocator's statistics against the model's own count of live payloads and the sum of their
         * usable sizes; called with every tenth {@link #check()}, and at the end.
         */
        default void checkStats(long liveBlocks, long liveUsableBytes) {
        }
    }

    /** How requests are drawn. */
    public interface Sizes {
        long next(SplittableRandom random);
    }

    private record Live(long address, long size, long alignment, byte seed) {
    }

    private AllocatorModel() {
    }

    /**
     * Runs {@code ops} random operations: allocations (with alignments from {@code alignments}), frees and
     * resizes, in phases that grow and shrink the live set around a moving target.
     *
     * @return the number of operations run
     */
    public static long run(Subject subject, SplittableRandom random, long ops, Sizes sizes, long[] alignments,
            int reallocPercent, int batch) {
        List<Live> live = new ArrayList<>();
        TreeMap<Long, Live> byAddress = new TreeMap<>();
        int target = 200 + random.nextInt(2000);
        for (long op = 0; op < ops; op++) {
            if (op % 100_000 == 0) {
                target = 50 + random.nextInt(4000);
            }
            int kind = random.nextInt(100);
            boolean grow = live.size() < target;
            if (live.isEmpty() || kind < (grow ? 60 : 35)) {
                long size = sizes.next(random);
                long alignment = alignments[random.nextInt(alignments.length)];
                long p = subject.allocate(size, alignment);
                Live l = new Live(p, size, alignment, (byte) random.nextInt());
                admit(subject, l, byOffsetCheck(byAddress, l));
                fill(l);
                live.add(l);
                byAddress.put(p, l);
            } else if (kind >= 100 - reallocPercent) {
                int i = random.nextInt(live.size());
                Live l = live.get(i);
                verify(l, l, l.size());
                long newSize = random.nextInt(3) == 0 ? l.size() / 2 : l.size() + sizes.next(random);
                long p = subject.reallocate(l.address(), newSize);
                byAddress.remove(l.address());
                Live moved = new Live(p, newSize, 16, l.seed());
                verify(moved, l, Math.min(l.size(), newSize));
                admit(subject, moved, byOffsetCheck(byAddress, moved));
                fill(moved);
                live.set(i, moved);
                byAddress.put(p, moved);
            } else {
                Live l = live.remove(random.nextInt(live.size()));
                verify(l, l, l.size());
                byAddress.remove(l.address());
                subject.free(l.address());
            }
            if (op % batch == batch - 1) {
                subject.check();
                if (op % (10L * batch) == batch - 1) {
                    checkStats(subject, live);   // every tenth check: the resident bytes ask the kernel
                }
                tryBadFrees(subject, random, byAddress);
            }
        }
        for (Live l : live) {
            verify(l, l, l.size());
            subject.free(l.address());
        }
        subject.check();
        subject.checkStats(0, 0);
        return ops;
    }

    private static void checkStats(Subject subject, List<Live> live) {
        long usable = 0;
        for (Live l : live) {
            usable += subject.usableSize(l.address());
        }
        subject.checkStats(live.size(), usable);
    }

    private static Live byOffsetCheck(TreeMap<Long, Live> byAddress, Live l) {
        Map.Entry<Long, Live> below = byAddress.floorEntry(l.address());
        if (below != null && below.getKey() + Math.max(1, below.getValue().size()) > l.address()) {
            throw new AssertionError(l + " overlaps " + below.getValue());
        }
        Map.Entry<Long, Live> above = byAddress.ceilingEntry(l.address());
        if (above != null && l.address() + Math.max(1, l.size()) > above.getKey()) {
            throw new AssertionError(l + " overlaps " + above.getValue());
        }
        return l;
    }

    private static void admit(Subject subject, Live l, Live checked) {
        assertEquals(0, l.address() % l.alignment(), "misaligned: " + l);
        assertEquals(0, l.address() % 16, "not 16-byte aligned: " + l);
        assertTrue(subject.usableSize(l.address()) >= l.size(), "usable size below the request: " + l);
    }

    private static MemorySegment at(Live l) {
        return MemorySegment.ofAddress(l.address()).reinterpret(l.size());
    }

    private static void fill(Live l) {
        MemorySegment s = at(l);
        long n = l.size();
        long i = 0;
        for (; i + 8 <= n; i += 8) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, i, pattern(l.seed(), i));
        }
        for (; i < n; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (pattern(l.seed(), i & ~7L) >>> (8 * (i & 7))));
        }
    }

    private static void verify(Live at, Live written, long n) {
        MemorySegment s = MemorySegment.ofAddress(at.address()).reinterpret(n);
        long i = 0;
        for (; i + 8 <= n; i += 8) {
            long got = s.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
            if (got != pattern(written.seed(), i)) {
                throw new AssertionError("payload " + at + " (written as " + written + ") differs at byte " + i);
            }
        }
        for (; i < n; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, i) != (byte) (pattern(written.seed(), i & ~7L) >>> (8 * (i & 7)))) {
                throw new AssertionError("payload " + at + " (written as " + written + ") differs at byte " + i);
            }
        }
    }

    private static long pattern(byte seed, long offset) {
        long x = seed * 0x9E3779B97F4A7C15L + offset;
        return x ^ (x >>> 29) * 0xBF58476D1CE4E5B9L;
    }

    /** Frees of interior, misaligned, foreign and freed addresses are refused and change nothing. */
    private static void tryBadFrees(Subject subject, SplittableRandom random, TreeMap<Long, Live> byAddress) {
        long state = subject.state();
        List<Long> bad = new ArrayList<>(List.of(0L, 16L, -16L));
        if (!byAddress.isEmpty()) {
            Live any = byAddress.firstEntry().getValue();
            bad.add(any.address() + 16);
            bad.add(any.address() + 1);
            Live last = byAddress.lastEntry().getValue();
            bad.add(last.address() + Math.max(16, last.size() / 16 * 16 + 64));
        }
        for (long p : bad) {
            if (byAddress.containsKey(p)) {
                continue;
            }
            assertThrows(IllegalArgumentException.class, () -> subject.free(p), "free(" + Long.toHexString(p) + ")");
            assertThrows(IllegalArgumentException.class, () -> subject.reallocate(p, 10), "reallocate(" + p + ")");
        }
        assertEquals(state, subject.state(), "a refused free changed the allocator");
    }

    /** {@return a size distribution: mostly small, some medium, a few large, each kind with its share in percent} */
    public static Sizes mixed(int smallMax, int mediumPercent, int mediumMax, int largePercent, int largeMax) {
        return random -> {
            int r = random.nextInt(100);
            if (r < largePercent) {
                return random.nextInt(largeMax);
            }
            if (r < largePercent + mediumPercent) {
                return random.nextInt(mediumMax);
            }
            return random.nextInt(smallMax);
        };
    }
}
