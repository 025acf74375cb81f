package dev.jalloc.examples.redis;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Values as {@code byte[]}s on the Java heap, exactly as long as their bytes: the plain Java idiom. An array cannot
 * grow, so each APPEND copies the whole string into a new one (the old one is garbage); INCRBY writes into the
 * old array when the number of digits stays the same. Releasing is the garbage collector's job.
 */
final class ByteArrayValues implements Values<byte[]> {
    /** The one instance: it has no state, and the keyspaces of every shard share it. */
    static final ByteArrayValues INSTANCE = new ByteArrayValues();

    private ByteArrayValues() {
    }

    @Override
    public byte[] copyOf(MemorySegment source, long offset, int length) {
        byte[] value = new byte[length];
        MemorySegment.copy(source, JAVA_BYTE, offset, value, 0, length);
        return value;
    }

    @Override
    public byte[] append(byte[] value, MemorySegment source, long offset, int length) {
        byte[] longer = Arrays.copyOf(value, value.length + length);
        MemorySegment.copy(source, JAVA_BYTE, offset, longer, value.length, length);
        return longer;
    }

    @Override
    public byte[] overwrite(byte[] value, MemorySegment source, long offset, int length) {
        if (value.length != length) {
            return copyOf(source, offset, length);
        }
        MemorySegment.copy(source, JAVA_BYTE, offset, value, 0, length);
        return value;
    }

    @Override
    public int length(byte[] value) {
        return value.length;
    }

    @Override
    public void copyTo(byte[] value, MemorySegment target, long offset) {
        MemorySegment.copy(value, 0, target, JAVA_BYTE, offset, value.length);
    }

    @Override
    public void release(byte[] value) {
        // the garbage collector's
    }
}
