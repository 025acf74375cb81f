package dev.jalloc.internal.util;

import java.util.Arrays;

/**
 * A growable bitmap whose next and previous set bits are found in O(levels), whatever the distance: each level
 * above the bits has one bit per word of the level below, set when that word is not zero.
 *
 * <pre>
 *   level 2   [0000..0101]                           one word covers 64 * 64 * 64 bits
 *   level 1   [0..01000]  [0000]  [0..00001] ...      bit w set  <=>  level 0 word w != 0
 *   level 0   [...][...][bits of the bitmap] ...      bit i: the bitmap
 * </pre>
 * Finding the next set bit after {@code i} climbs while the rest of the word is empty and comes down by trailing
 * zeros: at most two steps per level (six levels cover 2<sup>36</sup> bits). Setting or clearing a bit touches the
 * levels above only when a word turns non-zero or zero. Not thread-safe.
 */
public final class SearchBitmap {
    /** levels[0] holds the bits; levels[k] word w bit j is set iff levels[k - 1] word 64w + j is not zero. */
    private long[][] levels;
    private long capacity;

    /** Creates an empty bitmap that holds {@code capacity} bits (it grows with {@link #ensureCapacity}). */
    public SearchBitmap(long capacity) {
        this.levels = new long[][] {new long[0]};
        ensureCapacity(capacity);
    }

    /** {@return how many bits it holds} */
    public long capacity() {
        return capacity;
    }

    /** Makes room for bits {@code [0, bits)}; new bits are clear. */
    public void ensureCapacity(long bits) {
        if (bits <= capacity) {
            return;
        }
        long words = Math.max(1, (bits + 63) >>> 6);
        long old = levels[0].length;
        if (words > old) {
            long grown = Math.max(words, old + (old >> 1));
            if (grown > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("bitmap of " + bits + " bits: too large");
            }
            levels[0] = Arrays.copyOf(levels[0], (int) grown);
            rebuildSummaries();
        }
        capacity = (long) levels[0].length << 6;
    }

    private void rebuildSummaries() {
        int count = 1;
        for (long words = levels[0].length; words > 1; words = (words + 63) >>> 6) {
            count++;
        }
        long[][] next = new long[count][];
        next[0] = levels[0];
        for (int k = 1; k < count; k++) {
            long[] below = next[k - 1];
            long[] level = new long[(below.length + 63) >>> 6];
            for (int w = 0; w < below.length; w++) {
                if (below[w] != 0) {
                    level[w >>> 6] |= 1L << w;
                }
            }
            next[k] = level;
        }
        levels = next;
    }

    /** {@return whether bit {@code i} is set} */
    public boolean get(long i) {
        return (levels[0][(int) (i >>> 6)] & (1L << i)) != 0;
    }

    /** Sets bit {@code i}. */
    public void set(long i) {
        for (long[] level : levels) {
            int w = (int) (i >>> 6);
            long old = level[w];
            level[w] = old | (1L << i);
            if (old != 0) {
                return;
            }
            i = w;
        }
    }

    /** Clears bit {@code i}. */
    public void clear(long i) {
        for (long[] level : levels) {
            int w = (int) (i >>> 6);
            long now = level[w] & ~(1L << i);
            level[w] = now;
            if (now != 0) {
                return;
            }
            i = w;
        }
    }

    /** {@return the first set bit at or after {@code from}, or -1} */
    public long nextSetBit(long from) {
        if (from < 0) {
            from = 0;
        }
        int k = 0;
        long i = from;
        while (true) {
            long[] level = levels[k];
            long w = i >>> 6;
            if (w >= level.length) {
                return -1;
            }
            long bits = level[(int) w] & (-1L << i);
            if (bits != 0) {
                i = (w << 6) + Long.numberOfTrailingZeros(bits);
                break;
            }
            if (k == levels.length - 1) {
                return -1;
            }
            i = w + 1;
            k++;
        }
        while (k > 0) {
            k--;
            i = (i << 6) + Long.numberOfTrailingZeros(levels[k][(int) i]);
        }
        return i;
    }

    /** {@return the last set bit at or before {@code from}, or -1} */
    public long prevSetBit(long from) {
        if (from < 0) {
            return -1;
        }
        if (from >= capacity) {
            from = capacity - 1;
        }
        int k = 0;
        long i = from;
        while (true) {
            long w = i >>> 6;
            long bits = levels[k][(int) w] & (-1L >>> (63 - (i & 63)));
            if (bits != 0) {
                i = (w << 6) + 63 - Long.numberOfLeadingZeros(bits);
                break;
            }
            if (k == levels.length - 1 || w == 0) {
                return -1;
            }
            i = w - 1;
            k++;
        }
        while (k > 0) {
            k--;
            i = (i << 6) + 63 - Long.numberOfLeadingZeros(levels[k][(int) i]);
        }
        return i;
    }

    /** {@return the number of set bits in {@code [from, to)}}: O(words), for checkers. */
    public long count(long from, long to) {
        long n = 0;
        for (long i = nextSetBit(from); i >= 0 && i < to; i = nextSetBit(i + 1)) {
            n++;
        }
        return n;
    }
}
