package dev.jalloc.examples.redis;

import java.lang.foreign.MemorySegment;

/**
 * How a {@link MapKeyspace} keeps the bytes of one value (a string, or one element of a list): the one thing in
 * which the Java-heap storages differ. {@link ByteArrayValues} keeps them in a {@code byte[]},
 * {@link NettyValues} in a pooled direct {@code ByteBuf}.
 *
 * <p>A value is owned by the keyspace that made it until it is given to {@link #release}; a method that is given
 * a value and returns one may return a different one, having released the first.
 *
 * @param <V> a value
 */
interface Values<V> {
    /** {@return a new value holding a copy of {@code length} bytes at {@code offset} of {@code source}} */
    V copyOf(MemorySegment source, long offset, int length);

    /** {@return {@code value} followed by a copy of {@code length} bytes at {@code offset} of {@code source}} */
    V append(V value, MemorySegment source, long offset, int length);

    /** {@return {@code value} holding a copy of {@code length} bytes at {@code offset} of {@code source} instead} */
    V overwrite(V value, MemorySegment source, long offset, int length);

    /** {@return the number of bytes {@code value} holds} */
    int length(V value);

    /** Copies all the bytes of {@code value} to {@code offset} of {@code target}. */
    void copyTo(V value, MemorySegment target, long offset);

    /** Gives back the memory of {@code value}, which is not used after. */
    void release(V value);
}
