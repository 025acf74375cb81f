package dev.jalloc.fuzz;

import java.util.SplittableRandom;

/**
 * Random sizes, alignments and indices drawn around every boundary: 0, 1, 7, 8, 15, 16, 17, powers of two and
 * their neighbours, 4 KiB, 64 KiB, 2 MiB, 16 MiB, 2<sup>30</sup>, 2<sup>46</sup> (the largest valid size) and
 * 2<sup>46</sup>+1, negatives, {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}. Most draws are small valid values,
 * so that the allocators do real work between the refusals.
 */
final class Draw {
    /** The largest valid byte size and alignment (the javadoc's 2^46 and 2^30). */
    static final long MAX_SIZE = 1L << 46;
    static final long MAX_ALIGN = 1L << 30;

    static final long[] EDGE_SIZES = {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 4095, 4096, 4097,
            65535, 65536, 65537, 2L << 20, 16L << 20, (16L << 20) + 1, 1L << 30, MAX_SIZE, MAX_SIZE + 1, -1, -16,
            Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 15, 1L << 62};
    static final long[] EDGE_ALIGNS = {0, -1, 3, 24, 48, 4097, MAX_ALIGN << 1, 1L << 62, Long.MIN_VALUE,
            Long.MAX_VALUE, Integer.MIN_VALUE, -4096};

    private final SplittableRandom random;

    Draw(SplittableRandom random) {
        this.random = random;
    }

    static boolean validSize(long size) {
        return size >= 0 && size <= MAX_SIZE;
    }

    static boolean validAlign(long align) {
        return align > 0 && align <= MAX_ALIGN && (align & (align - 1)) == 0;
    }

    boolean chance(int percent) {
        return nextInt(100) < percent;
    }

    boolean oneIn(int n) {
        return nextInt(n) == 0;
    }

    /** Every bounded draw takes exactly one value of the stream, so that runs of one seed stay in step. */
    int nextInt(int bound) {
        return (int) Math.floorMod(random.nextLong(), (long) bound);
    }

    long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive");
        }
        return Math.floorMod(random.nextLong(), bound);
    }

    private int nextIntBetween(int from, int to) {
        return from + nextInt(to - from);
    }

    /**
     * {@return a byte size: mostly below {@code cap} (small ones most often), sometimes an edge value}; valid sizes
     * above {@code cap} come only from the edge list, so memory stays bounded while huge requests are still tried.
     */
    long size(long cap) {
        int r = nextInt(1000);
        if (r < 550) {
            return nextInt(65);
        }
        if (r < 850) {
            return nextInt(4097);
        }
        if (r < 930) {
            long p = 1L << nextInt(1 + 63 - Long.numberOfLeadingZeros(Math.max(cap, 1)));
            return Math.min(cap, Math.max(0, p + nextInt(3) - 1));
        }
        if (r < 960) {
            return nextLong(Math.max(cap, 1) + 1);
        }
        long edge = EDGE_SIZES[nextInt(EDGE_SIZES.length)];
        // Huge valid sizes are tried rarely: they are refused, or mapped but never touched beyond the marked ends.
        return validSize(edge) && edge > cap && nextInt(4) != 0 ? nextInt(129) : edge;
    }

    /** {@return an alignment: mostly a small power of two, sometimes a large one, sometimes an invalid one} */
    long align() {
        int r = nextInt(1000);
        if (r < 800) {
            return 1L << nextInt(7);
        }
        if (r < 930) {
            return 1L << nextInt(13);
        }
        if (r < 960) {
            return 1L << nextInt(31);
        }
        return EDGE_ALIGNS[nextInt(EDGE_ALIGNS.length)];
    }

    /** {@return an index or position around {@code [0, limit]}: inside, at both ends, just outside, or far out} */
    long index(long limit) {
        int r = nextInt(100);
        if (r < 70) {
            return limit <= 0 ? 0 : nextLong(limit + 1);
        }
        return switch (nextInt(9)) {
            case 0 -> -1;
            case 1 -> 0;
            case 2 -> limit - 1;
            case 3 -> limit;
            case 4 -> limit + 1;
            case 5 -> Long.MIN_VALUE;
            case 6 -> Long.MAX_VALUE;
            case 7 -> Integer.MAX_VALUE;
            default -> limit + 1 + nextInt(1000);
        };
    }

    /** {@return a reservation or commit step for a builder: small valid ones mostly, edges sometimes} */
    long builderSize(long small, long large) {
        int r = nextInt(100);
        if (r < 80) {
            return small + nextLong(Math.max(1, large - small));
        }
        if (r < 92) {
            return 1L << (12 + nextInt(9));
        }
        return EDGE_SIZES[nextInt(EDGE_SIZES.length)];
    }

    long nextLong() {
        return random.nextLong();
    }

    byte fill() {
        int b = nextIntBetween(1, 255);
        return (byte) (b == 0xDD ? 0x11 : b);   // never 0 (looks zeroed) nor the arena's poison
    }

    <T> T pick(java.util.List<T> list) {
        return list.get(nextInt(list.size()));
    }
}
