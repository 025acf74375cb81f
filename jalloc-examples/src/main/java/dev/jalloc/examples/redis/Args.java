package dev.jalloc.examples.redis;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The arguments of one command, as slices of the connection's input buffer (no copy, no object per argument):
 * argument {@code i} is {@code length(i)} bytes at {@code offset(i)} of {@link #segment()}. Valid until the
 * connection reads again; a keyspace that keeps a key or value copies it.
 */
final class Args {
    private MemorySegment segment = MemorySegment.NULL;
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private final int[] hashes = new int[64];
    /** Bit {@code i} set: {@code hashes[i]} holds argument {@code i}'s hash (the first 64 arguments). */
    private long hashed;
    private int count;

    /** {@return the number of arguments, the command's name included} */
    public int count() {
        return count;
    }

    /** {@return the segment the arguments are in} */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * {@return where argument {@code i} starts in {@link #segment()}}
     *
     * @param i the argument, 0 for the command's name
     */
    public long offset(int i) {
        return offsets[i];
    }

    /**
     * {@return the byte length of argument {@code i}}
     *
     * @param i the argument, 0 for the command's name
     */
    public int length(int i) {
        return lengths[i];
    }

    /**
     * {@return argument {@code i} decoded as UTF-8} (for messages and options, never on a hot path)
     *
     * @param i the argument
     */
    public String string(int i) {
        byte[] bytes = new byte[lengths[i]];
        MemorySegment.copy(segment, JAVA_BYTE, offsets[i], bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * {@return argument {@code i} as a copy}
     *
     * @param i the argument
     */
    public byte[] bytes(int i) {
        byte[] bytes = new byte[lengths[i]];
        MemorySegment.copy(segment, JAVA_BYTE, offsets[i], bytes, 0, bytes.length);
        return bytes;
    }

    /**
     * {@return whether argument {@code i} is {@code upperCaseAscii}, ignoring ASCII case}
     *
     * @param i              the argument
     * @param upperCaseAscii an upper-case ASCII word
     */
    public boolean is(int i, String upperCaseAscii) {
        int n = lengths[i];
        if (n != upperCaseAscii.length()) {
            return false;
        }
        long at = offsets[i];
        for (int k = 0; k < n; k++) {
            int b = segment.get(JAVA_BYTE, at + k);
            if (b >= 'a' && b <= 'z') {
                b -= 'a' - 'A';
            }
            if (b != upperCaseAscii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return argument {@code i} as a signed 64-bit decimal integer, as Redis parses one}
     *
     * @param i the argument
     * @throws RedisException ({@code ERR value is not an integer or out of range}) if it is not one
     */
    public long longValue(int i) {
        return Numbers.parseLong(segment, offsets[i], lengths[i]);
    }

    /**
     * {@return the 32-bit hash of argument {@code i}} (the index's hash of a key: {@link Bytes#hash})
     *
     * @param i the argument
     */
    public int hash(int i) {
        if (i >= hashes.length) {
            return Bytes.hash(segment, offsets[i], lengths[i]);
        }
        if ((hashed & 1L << i) == 0) {   // a command hashes its key for the shard, then for the index
            hashes[i] = Bytes.hash(segment, offsets[i], lengths[i]);
            hashed |= 1L << i;
        }
        return hashes[i];
    }

    // ---- filled by the parser -------------------------------------------------------------------------------

    void reset(MemorySegment in) {
        segment = in;
        count = 0;
        hashed = 0;
    }

    void add(int offset, int length) {
        if (count == offsets.length) {
            offsets = java.util.Arrays.copyOf(offsets, count * 2);
            lengths = java.util.Arrays.copyOf(lengths, count * 2);
        }
        offsets[count] = offset;
        lengths[count] = length;
        count++;
    }
}
