package dev.jalloc.internal.heap;

/**
 * Division by a size class without a division instruction: the slot index of an offset inside a slab or pool.
 *
 * <pre>
 *   reciprocal(size) = ceil(2^32 / size)
 *   divide(rel, r)   = (rel * r) >>> 32          exact for rel < 2^16 and size <= 2^15:
 *   rel * r / 2^32 = rel / size + rel * e / 2^32 with 0 <= e < 1, and rel * e / 2^32 < 2^-16 < 1 / size,
 *   which never carries the fraction of rel / size (at most (size - 1) / size) past the next integer
 * </pre>
 * Spans are at most {@link SizeClasses#POOL_BYTES} (2^16) bytes, classes at most {@link SizeClasses#MEDIUM_MAX}.
 */
final class SlotMath {
    private SlotMath() {
    }

    /** {@return the reciprocal of {@code size} for {@link #divide}} */
    static long reciprocal(int size) {
        return ((1L << 32) + size - 1) / size;
    }

    /** {@return {@code rel / size}, for {@code 0 <= rel < 2^16}, given {@code reciprocal(size)}} */
    static int divide(long rel, long reciprocal) {
        return (int) ((rel * reciprocal) >>> 32);
    }
}
