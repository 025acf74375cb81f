package dev.jalloc.examples.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.foreign.MemorySegment;

/**
 * Values in Netty's pooled direct buffers: each value is one {@code ByteBuf} of the storage's allocator, its bytes
 * from index 0 to its writer index, with a reference count of exactly 1 while a keyspace holds it; each is
 * released exactly once. APPEND and INCRBY write into the buffer, which Netty grows within its size class
 * or reallocates.
 *
 * <p>Bytes move between buffers and segments through the buffer's memory address when it has one (Netty 4.2 gives
 * its direct buffers one on JDK 25 even without {@code sun.misc.Unsafe}): no object per copy. Otherwise through
 * a {@code ByteBuffer} view of the segment, which costs two small objects per copy.
 *
 * <p>One per keyspace: it counts the keyspace's live buffers (under the shard's lock, like every call), for the
 * storage's leak report.
 */
final class NettyValues implements Values<ByteBuf> {
    private final ByteBufAllocator allocator;
    private long liveBuffers;

    NettyValues(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    /** {@return the buffers this keyspace holds} (read by the storage after the keyspace is closed) */
    long liveBuffers() {
        return liveBuffers;
    }

    @Override
    public ByteBuf copyOf(MemorySegment source, long offset, int length) {
        ByteBuf value = allocator.directBuffer(length);
        liveBuffers++;
        write(value, source, offset, length);
        return value;
    }

    @Override
    public ByteBuf append(ByteBuf value, MemorySegment source, long offset, int length) {
        write(value, source, offset, length);
        return value;
    }

    @Override
    public ByteBuf overwrite(ByteBuf value, MemorySegment source, long offset, int length) {
        value.writerIndex(0);
        write(value, source, offset, length);
        return value;
    }

    @Override
    public int length(ByteBuf value) {
        return value.writerIndex();
    }

    @Override
    public void copyTo(ByteBuf value, MemorySegment target, long offset) {
        read(value, target, offset);
    }

    @Override
    public void release(ByteBuf value) {
        if (!value.release()) {
            throw new IllegalStateException("refCnt: " + value.refCnt() + " (expected: 0 after its one release)");
        }
        liveBuffers--;
    }

    /** Appends {@code length} bytes at {@code offset} of {@code source} to {@code buffer}, growing it as needed. */
    static void write(ByteBuf buffer, MemorySegment source, long offset, int length) {
        buffer.ensureWritable(length);
        int at = buffer.writerIndex();
        if (buffer.hasMemoryAddress()) {
            MemorySegment.copy(source, offset, Bytes.NATIVE, buffer.memoryAddress() + at, length);
        } else {
            buffer.setBytes(at, source.asSlice(offset, length).asByteBuffer());
        }
        buffer.writerIndex(at + length);
    }

    /** Copies the bytes of {@code buffer} (from index 0 to its writer index) to {@code offset} of {@code target}. */
    static void read(ByteBuf buffer, MemorySegment target, long offset) {
        int length = buffer.writerIndex();
        if (buffer.hasMemoryAddress()) {
            MemorySegment.copy(Bytes.NATIVE, buffer.memoryAddress(), target, offset, length);
        } else {
            buffer.getBytes(0, target.asSlice(offset, length).asByteBuffer());
        }
    }
}
