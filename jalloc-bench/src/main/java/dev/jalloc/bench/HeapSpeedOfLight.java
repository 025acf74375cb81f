package dev.jalloc.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.jalloc.bench.HeapPeers.Contender;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The heap benchmarks' speed of light (contender {@code speedOfLight}): the least an allocator can do, with nothing
 * an allocator owes its users. One free list per exact 16-byte size, kept as a {@code long[]} stack of addresses
 * (no header, no size class rounding, no bounds, no double-free or foreign-address check, no thread safety, no
 * statistics, nothing ever given back), over one region made and pre-touched when the contender opens, bumped
 * forward when a list is empty. The size of each slot's block is known from the benchmark's slot, so a free is a
 * push. What any real allocator is measured against: its checks, its metadata and its policies cost the rest.
 *
 * <pre>
 *   region     [ bumped -> ...................................... end )   REGION bytes, touched when opened
 *   lists[q]   addresses of free blocks of q * 16 bytes, newest on top (count[q] of them)
 * </pre>
 */
final class HeapSpeedOfLight extends Contender {
    /** Enough for every benchmark's live set and its free lists (nothing is given back). */
    private static final long REGION = 512L << 20;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment region;
    private final long end;
    private long top;
    private final long[] slots;
    private final int[] quanta;
    private final long[][] lists = new long[(int) ((2L << 20) >>> 4) + 1][];
    private final int[] count = new int[lists.length];

    HeapSpeedOfLight(int slots) {
        this.region = arena.allocate(REGION, 4096);   // zeroed by the JDK: every page touched
        this.top = region.address();
        this.end = top + REGION;
        this.slots = new long[slots];
        this.quanta = new int[slots];
    }

    private long take(int q) {
        int n = count[q];
        if (n > 0) {
            count[q] = n - 1;
            return lists[q][n - 1];
        }
        long a = top;
        long next = a + ((long) q << 4);
        if (next > end) {
            throw new OutOfMemoryError("speedOfLight: its region of " + REGION + " bytes is used up");
        }
        top = next;
        return a;
    }

    private void give(int q, long a) {
        long[] list = lists[q];
        int n = count[q];
        if (list == null || n == list.length) {
            list = Arrays.copyOf(list == null ? new long[0] : list, Math.max(16, 2 * n));
            lists[q] = list;
        }
        list[n] = a;
        count[q] = n + 1;
    }

    private static int quanta(int byteSize) {
        return Math.max(1, (byteSize + 15) >>> 4);
    }

    @Override
    void allocate(int slot, int byteSize) {
        int q = quanta(byteSize);
        long a = take(q);
        HeapPeers.ALL.set(JAVA_BYTE, a, (byte) slot);
        slots[slot] = a;
        quanta[slot] = q;
    }

    @Override
    void free(int slot) {
        give(quanta[slot], slots[slot]);
        slots[slot] = 0;
    }

    @Override
    void reallocate(int slot, int byteSize) {
        int q = quanta(byteSize);
        int old = quanta[slot];
        if (q != old) {
            long a = take(q);
            MemorySegment.copy(HeapPeers.ALL, slots[slot], HeapPeers.ALL, a, (long) Math.min(q, old) << 4);
            give(old, slots[slot]);
            slots[slot] = a;
            quanta[slot] = q;
        }
        HeapPeers.ALL.set(JAVA_BYTE, slots[slot] + byteSize - 1, (byte) slot);
    }

    @Override
    void touch(int slot, int byteSize) {
        HeapPeers.ALL.asSlice(slots[slot], byteSize).fill((byte) 0x55);
    }

    @Override
    public void close() {
        arena.close();
    }
}
