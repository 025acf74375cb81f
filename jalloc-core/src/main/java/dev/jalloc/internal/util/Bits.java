package dev.jalloc.internal.util;

/** Bit arithmetic on sizes and addresses. Callers check their arguments; these methods do not. */
public final class Bits {
    private Bits() {
    }

    /** {@return whether {@code value} is a positive power of two} */
    public static boolean isPowerOfTwo(long value) {
        return value > 0 && (value & (value - 1)) == 0;
    }

    /**
     * {@return {@code value} rounded up to a multiple of {@code alignment}, a power of two}: a mask, so the alignment
     * must be one; a multiple of a page that may not be a power of two (a commit step) takes {@link #roundUp}.
     */
    public static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    /**
     * {@return {@code value >= 0} rounded up to a multiple of {@code multiple > 0}, any positive number}: for commit
     * steps, which are multiples of a page but not always powers of two
     */
    public static long roundUp(long value, long multiple) {
        return Math.ceilDiv(value, multiple) * multiple;
    }

    /** {@return {@code value} rounded down to a multiple of {@code alignment}, a power of two} */
    public static long alignDown(long value, long alignment) {
        return value & -alignment;
    }

    /** {@return {@code value} as {@code 0x...}} */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** {@return as {@link #bytes}, or {@code unknown} for a negative count (a number the OS could not tell)} */
    public static String bytesOrUnknown(long byteSize) {
        return byteSize < 0 ? "unknown" : bytes(byteSize);
    }

    /** {@return {@code byteSize} in binary units for a message: {@code 512 B}, {@code 4 KiB}, {@code 1.5 MiB}} */
    public static String bytes(long byteSize) {
        if (byteSize < 1024) {
            return byteSize + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = byteSize;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.1f", v)) + " " + units[u];
    }
}
