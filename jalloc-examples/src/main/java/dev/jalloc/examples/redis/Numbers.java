package dev.jalloc.examples.redis;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;

/**
 * Decimal integers as Redis reads and writes them: no sign but '-', no leading '+', no spaces, no leading zeros, no
 * "-0".
 */
final class Numbers {
    /** The longest decimal {@code long}: 19 digits and a sign. */
    static final int MAX_DIGITS = 20;

    private Numbers() {
    }

    /**
     * {@return the integer in {@code length} bytes at {@code offset}}
     *
     * @throws RedisException ({@link RedisException#NOT_AN_INTEGER}) if it is not one, or out of range
     */
    static long parseLong(MemorySegment segment, long offset, long length) {
        if (length == 0 || length > MAX_DIGITS) {
            throw RedisException.NOT_AN_INTEGER;
        }
        long at = offset;
        long end = offset + length;
        boolean negative = segment.get(JAVA_BYTE, at) == '-';
        if (negative && ++at == end) {
            throw RedisException.NOT_AN_INTEGER;
        }
        if (segment.get(JAVA_BYTE, at) == '0' && (negative || end - at > 1)) {
            throw RedisException.NOT_AN_INTEGER;   // "01", "-0", "-01" as Redis's string2ll refuses them
        }
        long value = 0;   // accumulated negatively, so that Long.MIN_VALUE parses
        for (; at < end; at++) {
            int digit = segment.get(JAVA_BYTE, at) - '0';
            if (digit < 0 || digit > 9 || value < (Long.MIN_VALUE + digit) / 10) {
                throw RedisException.NOT_AN_INTEGER;
            }
            value = value * 10 - digit;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                throw RedisException.NOT_AN_INTEGER;
            }
            value = -value;
        }
        return value;
    }

    /**
     * Writes {@code value} in decimal at {@code offset}.
     *
     * @return the number of bytes written, at most {@link #MAX_DIGITS}
     */
    static int writeLong(MemorySegment segment, long offset, long value) {
        int digits = 1;
        long rest = value;
        boolean negative = value < 0;
        if (!negative) {
            rest = -value;   // work on the negative, which holds Long.MIN_VALUE
        }
        for (long r = rest / 10; r != 0; r /= 10) {
            digits++;
        }
        int length = digits + (negative ? 1 : 0);
        long at = offset + length;
        do {
            segment.set(JAVA_BYTE, --at, (byte) ('0' - rest % 10));
            rest /= 10;
        } while (rest != 0);
        if (negative) {
            segment.set(JAVA_BYTE, offset, (byte) '-');
        }
        return length;
    }
}
