package dev.jalloc.internal.heap;

/**
 * The size classes of the heap, computed by a formula rather than listed: a request is rounded up to its class,
 * and every class has its slab or pool geometry.
 *
 * <pre>
 *   class sizes (bytes)                                   spacing
 *   16 32 48 64 80 96 112 128                              linear, one quantum (16) apart
 *   160 192 224 256                                        4 classes per doubling: spacing = 2^(g-2)
 *   320 384 448 512                                          for sizes in (2^g, 2^(g+1)]
 *   640 768 896 1024
 *   ...                                                    up to LARGE_MIN: above it, whole pages
 *
 *   index(size) = size <= 128 ? ceil(size / 16) - 1
 *                             : 8 + 4 * (g - 7) + ceil((size - 2^g) / 2^(g-2)) - 1,   g = floor(log2(size - 1))
 * </pre>
 * Internal fragmentation: a request of {@code n > 128} bytes gets a class below {@code 1.25 n} (the worst case is
 * just above a power of two, {@code 2^g + 1 -> 2^g + 2^(g-2)}); at most 15 bytes are added below 128. The same
 * spacing as jemalloc's and mimalloc's bins.
 *
 * <p><b>Kinds</b> (by class size): <em>small</em>, up to {@link #SMALL_MAX}, in one-page slabs so that no slot
 * crosses an OS page boundary; <em>medium</em>, up to {@link #MEDIUM_MAX}, in pools: runs of pages dedicated to one
 * class, at most {@link #POOL_BYTES}, holding at least {@link #POOL_SLOTS} slots and no more tail than any other
 * such run (none at all in every medium class), and smaller while a class holds only one or two objects
 * ({@link #spanBytes(int, int)}); <em>large</em>, above, in whole pages from the page allocator.
 */
public final class SizeClasses {
    /** The quantum: the alignment of every class and the spacing of the first ones. */
    public static final int QUANTUM = 16;
    /** The page of slabs and pools: 4 KiB, whatever the OS page (slabs must not cross an OS page). */
    public static final int PAGE = 4096;
    /** The largest small class: slabs are one page. */
    public static final int SMALL_MAX = 1024;
    /** The largest medium class; above it, requests are large (whole pages). */
    public static final int MEDIUM_MAX = 32 * 1024;
    /** The most bytes of a medium pool: a run of pages holding slots of one class. */
    public static final int POOL_BYTES = 64 * 1024;
    /** The slots a medium pool is sized for (fewer in the largest classes, where {@link #POOL_BYTES} caps it). */
    public static final int POOL_SLOTS = 4;

    private static final int[] SIZES = computeSizes();
    /** The number of classes. */
    public static final int COUNT = SIZES.length;

    private SizeClasses() {
    }

    private static int[] computeSizes() {
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        for (int s = QUANTUM; s <= 128; s += QUANTUM) {
            sizes.add(s);
        }
        for (int g = 7; (1 << g) < MEDIUM_MAX; g++) {
            int step = 1 << (g - 2);
            for (int k = 1; k <= 4; k++) {
                sizes.add((1 << g) + k * step);
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The class of every request up to {@link #SMALL_MAX}, by {@code (byteSize + 15) / 16}: one load on the hot path. */
    private static final byte[] SMALL_INDEX = computeSmallIndex();

    /** {@return the class index of a request of {@code byteSize} bytes, 0 to {@link #MEDIUM_MAX}} */
    public static int index(long byteSize) {
        if (byteSize <= SMALL_MAX) {
            return SMALL_INDEX[(int) ((byteSize + QUANTUM - 1) >>> 4)];
        }
        return computeIndex(byteSize);
    }

    /** The formula of the class comment; shifts, not divisions, since every step is a power of two. */
    private static int computeIndex(long byteSize) {
        if (byteSize <= 128) {
            return (int) Math.max(0, ((byteSize + QUANTUM - 1) >>> 4) - 1);
        }
        int g = 63 - Long.numberOfLeadingZeros(byteSize - 1);
        return 8 + 4 * (g - 7) + (int) ((byteSize - (1L << g) + (1L << (g - 2)) - 1) >>> (g - 2)) - 1;
    }

    private static byte[] computeSmallIndex() {
        byte[] table = new byte[SMALL_MAX / QUANTUM + 1];
        for (int i = 0; i < table.length; i++) {
            table[i] = (byte) computeIndex((long) i * QUANTUM);
        }
        return table;
    }

    /**
     * {@return the smallest class of at least {@code byteSize} bytes whose size is a multiple of {@code
     * byteAlignment} (a power of two), or -1 if none is}: an aligned request served from a slab or pool
     */
    public static int alignedIndex(long byteSize, long byteAlignment) {
        for (int c = index(Math.max(byteSize, byteAlignment)); c < COUNT; c++) {
            if (SIZES[c] % byteAlignment == 0) {
                return c;
            }
        }
        return -1;
    }

    /** {@return the size in bytes of class {@code index}} */
    public static int size(int index) {
        return SIZES[index];
    }

    /** {@return whether class {@code index} is small (one-page slabs)} */
    public static boolean isSmall(int index) {
        return SIZES[index] <= SMALL_MAX;
    }

    /**
     * {@return the bytes of a full slab or pool of class {@code index}}: a page for small classes; for medium ones
     * the run of pages chosen by {@link #computeSpanBytes()}.
     */
    public static int spanBytes(int index) {
        return SPAN_BYTES[index];
    }

    private static final int[] SPAN_BYTES = computeSpanBytes();

    /** The bytes a small class's bin cache holds at most, and the fewest slots it holds. */
    private static final int SMALL_CACHE_BYTES = 8 << 10;
    private static final int SMALL_CACHE_MIN = 32;
    /**
     * The bytes a medium class's bin cache holds at most, and the fewest slots it holds: a medium class refills and
     * flushes its cache through its pools (drain, partial spans, maybe the central lock), so a cache of 2 slots
     * (what 8 KiB gave a 16 KiB class) sent nearly every medium allocation and free down the slow path, 2.5x
     * slower than mimalloc on rptest's sizes (8 B to 16 KB). jemalloc caches 20 slots of each class up to 32 KiB.
     */
    private static final int MEDIUM_CACHE_BYTES = 64 << 10;
    private static final int MEDIUM_CACHE_MIN = 16;
    private static final int[] CACHE_SLOTS = computeCacheSlots();

    private static int[] computeCacheSlots() {
        int[] slots = new int[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            slots[i] = isSmall(i) ? Math.max(SMALL_CACHE_MIN, SMALL_CACHE_BYTES / SIZES[i])
                    : Math.max(MEDIUM_CACHE_MIN, MEDIUM_CACHE_BYTES / SIZES[i]);
        }
        return slots;
    }

    /**
     * {@return the slots a thread's (or the confined heap's) bin cache of class {@code index} holds at most}: 8 KiB
     * of a small class and at least 32 slots; 64 KiB of a medium one and at least 16 slots.
     */
    public static int cacheSlots(int index) {
        return CACHE_SLOTS[index];
    }

    /**
     * {@return the slots the first refill of class {@code index}'s cache asks for}: 8 for a small class; 1 for a
     * medium one, whose first pool is sized for one or two objects (a larger first fill would make a full pool beside
     * it for an object or two). The fill doubles at each refill of a class in use, up to half its cache.
     */
    public static int firstFill(int index) {
        return isSmall(index) ? Math.min(8, CACHE_SLOTS[index] / 2) : 1;
    }

    /**
     * A page for a small class; for a medium one, of the page counts up to {@link #POOL_BYTES} that hold at least
     * {@value #POOL_SLOTS} slots (or as many as fit in {@link #POOL_BYTES}), the one wasting the smallest share
     * in its tail, the fewest pages among equals (1792-byte slots: 7 pages hold 16 with no tail, where 2 pages
     * would hold 4 and waste 512 bytes).
     */
    private static int[] computeSpanBytes() {
        int[] bytes = new int[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            int size = SIZES[i];
            if (size <= SMALL_MAX) {
                bytes[i] = PAGE;
                continue;
            }
            int minSlots = Math.min(POOL_SLOTS, POOL_BYTES / size);
            long bestTail = Long.MAX_VALUE;
            for (int b = PAGE; b <= POOL_BYTES; b += PAGE) {
                int slots = b / size;
                // Compare tail shares b1 and b2 without division: tail1 * b2 < tail2 * b1.
                if (slots >= minSlots && (bytes[i] == 0 || (long) (b % size) * bytes[i] < bestTail * b)) {
                    bytes[i] = b;
                    bestTail = b % size;
                }
            }
        }
        return bytes;
    }

    /**
     * {@return the bytes of a new slab or pool of class {@code index} when the class already has {@code spans}}:
     * pools grow with their class's use, from one slot (the first) to two (the second) to the full
     * {@link #spanBytes(int)}, so that a medium class holding one or two objects does not cost a whole pool.
     */
    public static int spanBytes(int index, int spans) {
        if (isSmall(index) || spans >= 2) {
            return spanBytes(index);
        }
        int bytes = ((SIZES[index] << spans) + PAGE - 1) / PAGE * PAGE;
        return Math.min(bytes, spanBytes(index));
    }

    /** {@return the slots in one slab or pool of class {@code index}} */
    public static int slots(int index) {
        return spanBytes(index) / SIZES[index];
    }

    /** {@return the table, one class a line: index, size, kind, span, slots, wasted bytes per span, worst-case overhead} */
    public static String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%5s %8s %7s %9s %6s %8s %9s%n", "class", "size", "kind", "span", "slots", "tail",
                "max waste"));
        for (int i = 0; i < COUNT; i++) {
            int size = SIZES[i];
            int previous = i == 0 ? 0 : SIZES[i - 1];
            double waste = (size - (previous + 1)) / (double) (previous + 1);
            sb.append(String.format("%5d %8d %7s %9d %6d %8d %8.1f%%%n", i, size, isSmall(i) ? "small" : "medium",
                    spanBytes(i), slots(i), spanBytes(i) - slots(i) * size, 100 * waste));
        }
        sb.append(String.format("large: above %d bytes, whole %d-byte pages from the page allocator%n", MEDIUM_MAX,
                PAGE));
        return sb.toString();
    }
}
