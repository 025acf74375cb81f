package dev.jalloc.cli.replay;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.TreeMap;

/**
 * A test allocator: bumps through one 64 MiB segment and never reuses memory, so its footprint is exactly the
 * bytes it handed out (each request rounded up to 16). With a {@link Bug}, it breaks one promise on purpose,
 * for the tests that prove the checked pass notices.
 */
final class BumpAllocator implements ReplayAllocator {
    /** The promise to break, if any. */
    enum Bug {
        NONE,
        /** The third block starts 16 bytes into the one before. */
        OVERLAP,
        /** The second block is 8 bytes off alignment. */
        MISALIGN,
        /** A free flips byte 10 of the next live block above the freed one (bookkeeping written too far). */
        SCRIBBLE_ON_FREE,
        /** A realloc copies the kept bytes, then flips the last of them. */
        SHORT_REALLOC,
        /** The third request is refused. */
        REFUSE
    }

    static final long CAPACITY = 64 << 20;
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final Bug bug;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment memory = arena.allocate(CAPACITY, 16);
    private final TreeMap<Long, Long> live = new TreeMap<>();
    private long top;
    private int requests;
    private long previous;

    BumpAllocator(Bug bug) {
        this.bug = bug;
    }

    /** {@return an entry for this allocator with {@code bug}, fresh per instance} */
    static Allocators.Entry entry(Bug bug) {
        return Allocators.Entry.fresh("bump-" + bug.name().toLowerCase(java.util.Locale.ROOT), "a test allocator",
                () -> new BumpAllocator(bug));
    }

    @Override
    public long allocate(long byteSize) {
        requests++;
        if (bug == Bug.REFUSE && requests == 3) {
            return 0;
        }
        long rounded = (byteSize + 15) & -16L;
        if (top + rounded > CAPACITY) {
            return 0;
        }
        long address = memory.address() + top;
        top += rounded;
        if (bug == Bug.OVERLAP && requests == 3) {
            address = previous + 16;
        }
        if (bug == Bug.MISALIGN && requests == 2) {
            address += 8;
        }
        previous = address;
        live.put(address, byteSize);
        return address;
    }

    @Override
    public void free(long address) {
        live.remove(address);
        if (bug == Bug.SCRIBBLE_ON_FREE) {
            Map.Entry<Long, Long> next = live.higherEntry(address);
            if (next != null && next.getValue() > 10) {
                long at = next.getKey() + 10;
                EVERYTHING.set(ValueLayout.JAVA_BYTE, at, (byte) ~EVERYTHING.get(ValueLayout.JAVA_BYTE, at));
            }
        }
    }

    @Override
    public long reallocate(long address, long byteSize) {
        long oldSize = live.get(address);
        long moved = allocate(byteSize);
        if (moved == 0) {
            return 0;
        }
        long kept = Math.min(oldSize, byteSize);
        MemorySegment.copy(EVERYTHING, address, EVERYTHING, moved, kept);
        if (bug == Bug.SHORT_REALLOC && kept > 0) {
            EVERYTHING.set(ValueLayout.JAVA_BYTE, moved + kept - 1,
                    (byte) ~EVERYTHING.get(ValueLayout.JAVA_BYTE, moved + kept - 1));
        }
        free(address);
        return moved;
    }

    @Override
    public long committedBytes() {
        return top;
    }

    @Override
    public void close() {
        arena.close();
    }
}
