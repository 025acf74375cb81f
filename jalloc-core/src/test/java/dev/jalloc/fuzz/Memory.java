package dev.jalloc.fuzz;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the fuzzer knows about native memory across every allocator: which address ranges are live (allocations
 * and vector reservations: a new allocation overlapping one is a violation, and stale writes go only where none
 * is), and which free bytes a stale write has made non-zero (a zeroing verb may then hand them out dirty: that is
 * the writer's use-after-free, not jalloc's, so zero checks skip them until an allocation has covered them).
 *
 * <p>Allocations are filled with one byte, in full up to {@code 2 * MARK} bytes and at both ends above, so that
 * a 16 MiB allocation costs 4 KiB of writes; zero checks read the same parts and a few probes between them.
 */
final class Memory {
    static final long MARK = 2048;
    /** Stale writes are at most this wide: dirty ranges are looked up this far back. */
    static final long MAX_STALE_WRITE = 64;

    /** For the probes of zero checks: apart from the run's draws, which must not depend on addresses. */
    private final java.util.SplittableRandom probes = new java.util.SplittableRandom(42);
    /** start -> end of every live range. */
    private final TreeMap<Long, Long> occupied = new TreeMap<>();
    /** start -> end of bytes stale writes made non-zero, and the scope they were written through. */
    private final TreeMap<Long, Long> dirty = new TreeMap<>();
    private final Map<Long, MemorySegment.Scope> dirtyScopes = new java.util.HashMap<>();

    /** One live allocation of any allocator. */
    static final class Live {
        final long address;
        final long size;
        /** A segment over it: jalloc's own, or one made from its address (used only while it is live). */
        final MemorySegment segment;
        final boolean isNative;
        /** Whether the segment is jalloc's (it may be kept as a stale segment), not one made from an address. */
        boolean jallocSegment = true;
        byte fill;
        /** Arena position of its first byte (arenas), or usable size (heaps). */
        long pos;
        long usable;

        Live(MemorySegment segment, long size, byte fill) {
            this.segment = segment;
            this.address = segment.address();
            this.size = size;
            this.fill = fill;
            this.isNative = segment.isNative();
        }

        boolean accessible() {
            return segment.scope().isAlive() && segment.isAccessibleBy(Thread.currentThread());
        }

        @Override
        public String toString() {
            return "[0x" + Long.toHexString(address) + ", +" + size + ") fill " + (fill & 0xFF);
        }
    }

    /** A segment over {@code size} bytes at {@code address}, for an allocator that returned an address. */
    static MemorySegment at(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    // ---- live ranges ----

    void register(Live l, String who) {
        if (l.size > 0 && l.isNative) {
            occupy(l.address, l.address + l.size, who + " " + l);
        }
    }

    void unregister(Live l) {
        if (l.size > 0 && l.isNative) {
            occupied.remove(l.address);
        }
    }

    void occupy(long start, long end, String what) {
        Map.Entry<Long, Long> below = occupied.floorEntry(end - 1);
        if (below != null && below.getValue() > start) {
            throw new Violation(what + " overlaps live memory [0x" + Long.toHexString(below.getKey()) + ", 0x"
                    + Long.toHexString(below.getValue()) + ")");
        }
        occupied.put(start, end);
        takeOver(start, end);
    }

    void release(long start) {
        occupied.remove(start);
    }

    boolean isFree(long start, long n) {
        Map.Entry<Long, Long> below = occupied.floorEntry(start + n - 1);
        return below == null || below.getValue() <= start;
    }

    // ---- dirty bytes ----

    void markDirty(long start, long n, MemorySegment.Scope scope) {
        Long old = dirty.get(start);
        dirty.put(start, Math.max(start + n, old == null ? 0 : old));
        dirtyScopes.put(start, scope);
        if (dirty.size() > 20_000) {
            // Memory whose scope ended went back to the OS (or was poisoned and popped): forget it.
            dirty.keySet().removeIf(k -> !dirtyScopes.get(k).isAlive());
            dirtyScopes.keySet().retainAll(dirty.keySet());
        }
    }

    boolean isDirty(long start, long n) {
        for (Map.Entry<Long, Long> e : dirty.subMap(start - MAX_STALE_WRITE, true, start + n, false).entrySet()) {
            if (e.getValue() > start) {
                return true;
            }
        }
        return false;
    }

    /** An allocation now covers {@code [start, end)}: its allocator treats those bytes as used, not fresh. */
    private void takeOver(long start, long end) {
        dirty.subMap(start, true, end, false).entrySet().removeIf(e -> e.getValue() <= end
                && dirtyScopes.remove(e.getKey()) != null);
    }

    // ---- contents ----

    static void fill(MemorySegment s, long size, byte b) {
        if (size <= 2 * MARK) {
            s.asSlice(0, size).fill(b);
        } else {
            s.asSlice(0, MARK).fill(b);
            s.asSlice(size - MARK, MARK).fill(b);
        }
    }

    /** {@return the offset of the first marked byte that is not {@code b}, or -1} */
    static long mismatch(MemorySegment s, long size, byte b) {
        if (size <= 2 * MARK) {
            return mismatch(s, 0, size, b);
        }
        long m = mismatch(s, 0, MARK, b);
        return m >= 0 ? m : mismatch(s, size - MARK, size, b);
    }

    static long mismatch(MemorySegment s, long from, long to, byte b) {
        long pattern = (b & 0xFFL) * 0x0101010101010101L;
        long i = from;
        for (; i + 8 <= to; i += 8) {
            if (s.get(JAVA_LONG_UNALIGNED, i) != pattern) {
                break;
            }
        }
        for (; i < to; i++) {
            if (s.get(JAVA_BYTE, i) != b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@return the offset of a non-zero byte among the marked parts and {@code probes} probes between them, or -1;
     * -1 too if a stale write dirtied any of it}
     */
    long nonZero(MemorySegment s, long size, Draw draw, int probes) {
        if (size == 0 || (s.isNative() && isDirty(s.address(), size))) {
            return -1;
        }
        long m = mismatch(s, size, (byte) 0);
        if (m >= 0 || size <= 2 * MARK) {
            return m;
        }
        for (int i = 0; i < probes; i++) {
            long at = MARK + this.probes.nextLong(size - 2 * MARK);
            if (s.get(JAVA_BYTE, at) != 0) {
                return at;
            }
        }
        return -1;
    }
}
