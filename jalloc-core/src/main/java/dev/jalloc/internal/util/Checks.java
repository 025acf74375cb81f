package dev.jalloc.internal.util;

/**
 * Argument checks and the exceptions they throw, in one place so that every message has the same format:
 * {@code name: value (expected: condition)}.
 */
public final class Checks {
    /**
     * The largest byte size any jalloc allocator accepts: 2<sup>46</sup> bytes (64 TiB). It is far above what a
     * 47-bit user address space can back, and far enough below {@link Long#MAX_VALUE} that no sum of a size, an
     * alignment padding and a position can overflow.
     */
    public static final long MAX_BYTE_SIZE = 1L << 46;

    /** The largest byte alignment any jalloc allocator accepts: 2<sup>30</sup> bytes (1 GiB). */
    public static final long MAX_ALIGNMENT = 1L << 30;

    private Checks() {
    }

    /**
     * {@return whether {@code byteSize} and {@code byteAlignment} are both acceptable}: one branch for hot paths,
     * which call {@link #checkSizeAndAlignment} to throw when it says no.
     */
    public static boolean isValidSizeAndAlignment(long byteSize, long byteAlignment) {
        // Each term is negative when its bound is broken: byteSize < 0, byteSize > MAX_BYTE_SIZE, byteAlignment < 1,
        // byteAlignment > MAX_ALIGNMENT. The one alignment below 1 whose "byteAlignment - 1" wraps to positive is
        // Long.MIN_VALUE, and for it "MAX_ALIGNMENT - byteAlignment" wraps to negative (it once passed: issue 9).
        return (byteSize | (MAX_BYTE_SIZE - byteSize) | (byteAlignment - 1) | (MAX_ALIGNMENT - byteAlignment)) >= 0
                && (byteAlignment & (byteAlignment - 1)) == 0;
    }

    /** Throws the exception that says what is wrong with {@code byteSize} or {@code byteAlignment}, if anything. */
    public static void checkSizeAndAlignment(long byteSize, long byteAlignment) {
        checkByteSize(byteSize);
        checkAlignment(byteAlignment);
    }

    /** @throws IllegalArgumentException if {@code byteSize} is negative or above {@link #MAX_BYTE_SIZE} */
    public static long checkByteSize(long byteSize) {
        return checkByteSize("byteSize", byteSize);
    }

    /** @throws IllegalArgumentException if {@code value} is negative or above {@link #MAX_BYTE_SIZE} */
    public static long checkByteSize(String name, long value) {
        if (value < 0) {
            throw illegalArgument(name, value, ">= 0");
        }
        if (value > MAX_BYTE_SIZE) {
            throw illegalArgument(name, value, "<= " + MAX_BYTE_SIZE);
        }
        return value;
    }

    /** @throws IllegalArgumentException if {@code byteAlignment} is not a power of two up to {@link #MAX_ALIGNMENT} */
    public static long checkAlignment(long byteAlignment) {
        return checkAlignment("byteAlignment", byteAlignment);
    }

    /** @throws IllegalArgumentException if {@code value} is not a power of two up to {@link #MAX_ALIGNMENT} */
    public static long checkAlignment(String name, long value) {
        if (!Bits.isPowerOfTwo(value)) {
            throw illegalArgument(name, value, "a power of two");
        }
        if (value > MAX_ALIGNMENT) {
            throw illegalArgument(name, value, "<= " + MAX_ALIGNMENT);
        }
        return value;
    }

    /**
     * {@return {@code value} if it is a positive byte size}: for the sizes builders take (a reservation, a commit step).
     *
     * @throws IllegalArgumentException if {@code value} is not positive or above {@link #MAX_BYTE_SIZE}
     */
    public static long checkPositiveByteSize(String name, long value) {
        if (value <= 0) {
            throw illegalArgument(name, value, "> 0");
        }
        return checkByteSize(name, value);
    }

    /** {@return an {@link IllegalArgumentException} with the message {@code name: value (expected: expected)}} */
    public static IllegalArgumentException illegalArgument(String name, Object value, String expected) {
        return new IllegalArgumentException(message(name, value, expected));
    }

    /** {@return an {@link IndexOutOfBoundsException} with the message {@code name: value (expected: expected)}} */
    public static IndexOutOfBoundsException outOfBounds(String name, long value, String expected) {
        return new IndexOutOfBoundsException(message(name, value, expected));
    }

    /** {@return the message {@code name: value (expected: expected)}} */
    public static String message(String name, Object value, String expected) {
        return name + ": " + value + " (expected: " + expected + ")";
    }
}
