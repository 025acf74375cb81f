package dev.jalloc.cli.replay;

import dev.jalloc.arena.LinearArena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The allocator a child JVM warms up on before it measures (see {@link ChildCheckedPass}): a bump through a
 * {@link LinearArena} of its own, never reusing a byte, every mapping given back to the OS on close. It shares no
 * state with any measured allocator (it never calls malloc), so the allocator measured after it finds nothing of
 * it. Each block has a 16-byte header holding its size, which realloc needs:
 * <pre>
 *   | size (8 bytes) | 8 unused | payload ...      (the block's address is the payload's, 16-aligned)
 * </pre>
 */
final class ScratchAllocator implements ReplayAllocator {
    private static final long HEADER = 16;
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final LinearArena arena = LinearArena.ofVirtual();

    @Override
    public long allocate(long byteSize) {
        long block = arena.pushAddressNoInit(HEADER + byteSize, 16) + HEADER;
        EVERYTHING.set(ValueLayout.JAVA_LONG, block - HEADER, byteSize);
        return block;
    }

    @Override
    public void free(long address) {
    }

    @Override
    public long reallocate(long address, long byteSize) {
        long moved = allocate(byteSize);
        long oldSize = EVERYTHING.get(ValueLayout.JAVA_LONG, address - HEADER);
        MemorySegment.copy(EVERYTHING, address, EVERYTHING, moved, Math.min(oldSize, byteSize));
        return moved;
    }

    @Override
    public long committedBytes() {
        return arena.pos();
    }

    @Override
    public void close() {
        arena.close();
    }
}
