package dev.jalloc.examples.redis;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A key of a {@link MapKeyspace}'s {@code HashMap}, in one of two kinds that are equal when their bytes are:
 * {@link Owned}, the copy the map keeps, and {@link View}, a keyspace's one reusable probe that views the key
 * argument of the running command, so that a lookup allocates nothing.
 *
 * <p>Both hash with {@link Bytes#hash}, the hash {@link Args#hash} gives, so a probe hashes without copying.
 */
abstract sealed class MapKey permits MapKey.Owned, MapKey.View {
    /** {@link Bytes#hash} of the key's bytes. */
    int hash;

    @Override
    public final int hashCode() {
        return hash;
    }

    @Override
    public final boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof MapKey key) || key.hash != hash) {
            return false;
        }
        if (key instanceof Owned owned) {
            return contentEquals(owned.bytes);
        }
        View view = (View) key;
        return contentEquals(view.segment, view.offset, view.length);
    }

    /** {@return whether this key's bytes are {@code bytes}} */
    abstract boolean contentEquals(byte[] bytes);

    /** {@return whether this key's bytes are the {@code length} bytes at {@code offset} of {@code segment}} */
    abstract boolean contentEquals(MemorySegment segment, long offset, int length);

    /** The map's own copy of a key's bytes. */
    static final class Owned extends MapKey {
        final byte[] bytes;

        Owned(byte[] bytes, int hash) {
            this.bytes = bytes;
            this.hash = hash;
        }

        @Override
        boolean contentEquals(byte[] other) {
            return Arrays.equals(bytes, other);
        }

        @Override
        boolean contentEquals(MemorySegment segment, long offset, int length) {
            return length == bytes.length && Bytes.equal(segment, offset, MemorySegment.ofArray(bytes), 0, length);
        }

        @Override
        public String toString() {
            return "Owned[" + bytes.length + " bytes]";
        }
    }

    /**
     * A probe that views one argument of a command, for lookups; pointed at the next key by {@link #view}. Never
     * stored in the map: {@link #copy} makes the key that is.
     */
    static final class View extends MapKey {
        private MemorySegment segment = MemorySegment.NULL;
        private long offset;
        private int length;

        /** Points this probe at argument {@code i} of {@code args}. */
        void view(Args args, int i) {
            segment = args.segment();
            offset = args.offset(i);
            length = args.length(i);
            hash = args.hash(i);
        }

        /** {@return a copy of the viewed bytes, to be kept in the map} */
        Owned copy() {
            byte[] bytes = new byte[length];
            MemorySegment.copy(segment, offset, MemorySegment.ofArray(bytes), 0, length);
            return new Owned(bytes, hash);
        }

        @Override
        boolean contentEquals(byte[] bytes) {
            return bytes.length == length && Bytes.equal(segment, offset, MemorySegment.ofArray(bytes), 0, length);
        }

        @Override
        boolean contentEquals(MemorySegment other, long otherOffset, int otherLength) {
            return otherLength == length && Bytes.equal(segment, offset, other, otherOffset, length);
        }

        @Override
        public String toString() {
            return "View[" + length + " bytes]";
        }
    }
}
