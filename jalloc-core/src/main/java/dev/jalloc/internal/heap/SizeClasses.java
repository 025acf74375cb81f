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
 * class, sized for {@link #POOL_SLOTS} slots and at most {@link #POOL_BYTES}; <em>large</em>, above, in whole pages
 * from the page allocator.
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

    /** {@return the size in bytes of class {@code index}} */
    public static int size(int index) {
        return SIZES[index];
    }

    /** {@return whether class {@code index} is small (one-page slabs)} */
    public static boolean isSmall(int index) {
        return SIZES[index] <= SMALL_MAX;
    }

    /**
     * {@return the bytes of one slab or pool of class {@code index}}: a page for small classes; for medium ones the
     * fewest pages that hold {@value #POOL_SLOTS} slots, at most {@link #POOL_BYTES}, so that a class in light use
     * costs a few pages rather than a whole pool.
     */
    public static int spanBytes(int index) {
        if (isSmall(index)) {
            return PAGE;
        }
        int bytes = (POOL_SLOTS * SIZES[index] + PAGE - 1) / PAGE * PAGE;
        return Math.min(bytes, POOL_BYTES);
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
