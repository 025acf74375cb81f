package dev.jalloc.fuzz;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Segments that outlived what they point at: freed heap and best-fit payloads, popped arena memory, segments of
 * closed temps, arenas and vectors. At random times one is read or written, with a random width at a random
 * offset, from either thread. The contract: the access succeeds, or throws {@link IllegalStateException} (the
 * scope ended) or {@link WrongThreadException} (confined elsewhere); never a crash. Writes of native memory go only
 * where no live allocation is ({@link Memory#isFree}), and mark the bytes dirty; where a live allocation is, the
 * access becomes a read.
 */
final class StaleSegments {
    private static final int CAPACITY = 64;

    private final Fuzz fuzz;
    private final MemorySegment[] pool = new MemorySegment[CAPACITY];
    private final String[] origin = new String[CAPACITY];
    private final boolean[] readOnly = new boolean[CAPACITY];
    private int count;

    StaleSegments(Fuzz fuzz) {
        this.fuzz = fuzz;
    }

    /** Keeps {@code s} (sometimes) as a stale segment once what it points at is gone. */
    void offer(MemorySegment s, String from) {
        offer(s, from, true);
    }

    /** Keeps {@code s} (sometimes) as a stale segment, to be read only unless {@code writable}. */
    void offer(MemorySegment s, String from, boolean writable) {
        if (s == null || s.byteSize() == 0 || !fuzz.draw.chance(40)) {
            return;
        }
        int i = count < CAPACITY ? count++ : fuzz.draw.nextInt(CAPACITY);
        pool[i] = s;
        origin[i] = from;
        readOnly[i] = !writable;
    }

    /** Reads or writes one of the stale segments. */
    void access() {
        if (count == 0) {
            return;
        }
        int i = fuzz.draw.nextInt(count);
        MemorySegment s = pool[i];
        boolean there = fuzz.onOther(20);
        Thread by = there ? fuzz.other.thread() : Thread.currentThread();
        boolean alive = s.scope().isAlive();
        boolean accessible = s.isAccessibleBy(by);
        int width = switch (fuzz.draw.nextInt(6)) {
            case 0 -> 1;
            case 1 -> 2;
            case 2 -> 4;
            case 3, 4 -> 8;
            default -> 1 + fuzz.draw.nextInt((int) Memory.MAX_STALE_WRITE);
        };
        width = (int) Math.min(width, s.byteSize());
        long offset = fuzz.draw.nextLong(s.byteSize() - width + 1);
        boolean wanted = fuzz.draw.chance(60);
        // Live memory, or a heap array shared with live slices: read it instead.
        boolean write = wanted && !readOnly[i] && !(alive && accessible && (!s.isNative()
                || !fuzz.memory.isFree(s.address() + offset, width)));
        long value = fuzz.draw.nextLong();
        int w = width;
        Expect e = Expect.of().when(!alive, IllegalStateException.class)
                .when(!accessible, WrongThreadException.class);
        String what = "stale " + (write ? "write" : "read") + " of " + w + " byte(s) at +" + offset + " of "
                + origin[i] + " " + s;
        Throwable t = fuzz.call(what, e, () -> {
            if (write) {
                put(s, offset, w, value);
            } else {
                get(s, offset, w);
            }
        });
        if (t == null && write && s.isNative()) {
            fuzz.memory.markDirty(s.address() + offset, w, s.scope());
        }
        if (!alive && fuzz.draw.chance(50)) {
            pool[i] = pool[--count];   // dead for good: make room
            origin[i] = origin[count];
            readOnly[i] = readOnly[count];
            pool[count] = null;
        }
    }

    private static void put(MemorySegment s, long offset, int width, long value) {
        switch (width) {
            case 1 -> s.set(JAVA_BYTE, offset, (byte) value);
            case 2 -> s.set(JAVA_SHORT_UNALIGNED, offset, (short) value);
            case 4 -> s.set(JAVA_INT_UNALIGNED, offset, (int) value);
            case 8 -> s.set(JAVA_LONG_UNALIGNED, offset, value);
            default -> s.asSlice(offset, width).fill((byte) value);
        }
    }

    private static long get(MemorySegment s, long offset, int width) {
        return switch (width) {
            case 1 -> s.get(JAVA_BYTE, offset);
            case 2 -> s.get(JAVA_SHORT_UNALIGNED, offset);
            case 4 -> s.get(JAVA_INT_UNALIGNED, offset);
            case 8 -> s.get(JAVA_LONG_UNALIGNED, offset);
            default -> s.asSlice(offset, width).toArray(JAVA_BYTE).length;
        };
    }
}
