package dev.jalloc.examples.redis;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** Hashing and comparing byte strings wherever they are: in a segment, on the Java heap, in native memory. */
final class Bytes {
    /** Every address: offset {@code a} of this segment is address {@code a} (the jalloc keyspace's blocks). */
    @SuppressWarnings("restricted")
    static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private Bytes() {
    }

    /**
     * {@return a 32-bit hash of {@code length} bytes at {@code offset} of {@code segment}}: 8 bytes at a time,
     * mixed as in a 64-bit multiplicative hash, then folded; the same bytes hash the same in every segment.
     */
    static int hash(MemorySegment segment, long offset, long length) {
        long h = 0x9e3779b97f4a7c15L ^ length;
        long i = 0;
        for (; i + 8 <= length; i += 8) {
            h = (h ^ segment.get(JAVA_LONG_UNALIGNED, offset + i)) * 0xbf58476d1ce4e5b9L;
            h ^= h >>> 31;
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 8) {
            tail |= (segment.get(JAVA_BYTE, offset + i) & 0xffL) << shift;
        }
        h = (h ^ tail) * 0x94d049bb133111ebL;
        h ^= h >>> 29;
        return (int) (h ^ h >>> 32);
    }

    /** {@return whether the two byte strings are equal} */
    static boolean equal(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long length) {
        return MemorySegment.mismatch(a, aOffset, aOffset + length, b, bOffset, bOffset + length) < 0;
    }
}
