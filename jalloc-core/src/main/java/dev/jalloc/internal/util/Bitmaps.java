package dev.jalloc.internal.util;

/**
 * Bits in a {@code long[]}: bit {@code i} is bit {@code i % 64} of word {@code i / 64}. Ranges and searches go a word
 * at a time, so marking the pages of a 1 MiB span is four word writes, not 256 bit writes. Indices are not checked:
 * callers size their arrays.
 */
public final class Bitmaps {
    private Bitmaps() {
    }

    /** {@return whether bit {@code i} is set} */
    public static boolean get(long[] bits, long i) {
        return (bits[(int) (i >>> 6)] & (1L << i)) != 0;
    }

    /** Sets bit {@code i}. */
    public static void set(long[] bits, long i) {
        bits[(int) (i >>> 6)] |= 1L << i;
    }

    /** Clears bit {@code i}. */
    public static void clear(long[] bits, long i) {
        bits[(int) (i >>> 6)] &= ~(1L << i);
    }

    /** Sets bits {@code [from, to)}. */
    public static void setRange(long[] bits, long from, long to) {
        apply(bits, from, to, true);
    }

    /** Clears bits {@code [from, to)}. */
    public static void clearRange(long[] bits, long from, long to) {
        apply(bits, from, to, false);
    }

    private static void apply(long[] bits, long from, long to, boolean set) {
        if (from >= to) {
            return;
        }
        int first = (int) (from >>> 6);
        int last = (int) ((to - 1) >>> 6);
        long head = -1L << from;
        long tail = -1L >>> (63 - ((to - 1) & 63));
        if (first == last) {
            long mask = head & tail;
            bits[first] = set ? bits[first] | mask : bits[first] & ~mask;
            return;
        }
        bits[first] = set ? bits[first] | head : bits[first] & ~head;
        for (int w = first + 1; w < last; w++) {
            bits[w] = set ? -1L : 0;
        }
        bits[last] = set ? bits[last] | tail : bits[last] & ~tail;
    }

    /** {@return the first set bit in {@code [from, to)}, or {@code to} if there is none} */
    public static long nextSet(long[] bits, long from, long to) {
        return next(bits, from, to, 0);
    }

    /** {@return the first clear bit in {@code [from, to)}, or {@code to} if there is none} */
    public static long nextClear(long[] bits, long from, long to) {
        return next(bits, from, to, -1L);
    }

    private static long next(long[] bits, long from, long to, long flip) {
        for (long i = from; i < to; ) {
            long word = (bits[(int) (i >>> 6)] ^ flip) & (-1L << i);
            if (word != 0) {
                return Math.min(to, (i & ~63L) + Long.numberOfTrailingZeros(word));
            }
            i = (i & ~63L) + 64;
        }
        return to;
    }
}
