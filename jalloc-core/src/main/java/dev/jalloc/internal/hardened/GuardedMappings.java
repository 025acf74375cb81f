package dev.jalloc.internal.hardened;

import dev.jalloc.internal.memory.Mapping;
import dev.jalloc.internal.memory.Reservation;
import dev.jalloc.internal.memory.Usage;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.os.Protection;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Large payloads of a hardened heap, each in a mapping of its own between two guard regions that were never
 * committed (any access faults), of a random number of pages each; a freed one waits in the quarantine purged and
 * made inaccessible whole, so a use after free through a raw address faults too, then is unmapped.
 *
 * <pre>
 *   reservation:  [ lead guard: 1..16 pages ][ payload: usable bytes, committed ][ trail guard: 1..16 pages ]
 *                 PROT_NONE                  read-write; its segments end at its free   PROT_NONE
 *   after free:   [ PROT_NONE .......................................................................... ]
 * </pre>
 * A segment over a payload is a slice of its mapping's, so its lifetime ends at the free and no Java access can
 * reach a guard or a freed payload (that would crash the JVM): only raw addresses and native code fault. Not
 * thread-safe: the engine guards it.
 */
final class GuardedMappings {
    private record Guarded(Mapping mapping, long payload, long usable) {
    }

    private static final System.Logger LOG = System.getLogger("dev.jalloc.memory");

    private final Os os;
    private final boolean shared;
    private final RandomGenerator random;
    private final Usage usage = new Usage();
    private final Map<Long, Guarded> live = new HashMap<>();
    private final Map<Long, Guarded> waiting = new HashMap<>();
    private long liveBytes;

    GuardedMappings(Os os, boolean shared, RandomGenerator random) {
        this.os = os;
        this.shared = shared;
        this.random = random;
    }

    /**
     * {@return the address of {@code byteSize} zero bytes (rounded up to the page) aligned to {@code byteAlignment},
     * between guards}: for 0 bytes, an address where the trail guard starts, so that any access faults
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses
     */
    long allocate(long byteSize, long byteAlignment) {
        long page = Math.max(os.pageSize(), os.allocationGranularity());
        long usable = Bits.alignUp(byteSize, page);
        long unit = Math.max(page, byteAlignment);   // the lead guard keeps the payload aligned
        long lead = unit * (1 + random.nextInt(16) * page / unit);
        long trail = page * (1 + random.nextInt(16));
        Reservation r = Reservation.reserve(os, lead + usable + trail, byteAlignment, usage,
                "a hardened heap's large allocation");
        try {
            if (usable > 0) {
                r.commit(lead, usable);
            }
        } catch (RuntimeException | Error e) {
            r.release();
            throw e;
        }
        Guarded g = new Guarded(Mapping.of(r, shared, "a hardened heap's large allocation", null), r.address() + lead,
                usable);
        live.put(g.payload(), g);
        liveBytes += usable;
        return g.payload();
    }

    /** {@return the usable bytes of the live payload at {@code address}, or -1 if it is not one of these} */
    long usableSize(long address) {
        Guarded g = live.get(address);
        return g == null ? -1 : g.usable();
    }

    /** {@return a segment of {@code byteSize} bytes over the live payload at {@code address}, of its mapping's life} */
    MemorySegment segment(long address, long byteSize) {
        Guarded g = live.get(address);
        return g.mapping().segment().asSlice(address - g.mapping().reservation().address(), byteSize);
    }

    /**
     * Frees the live payload at {@code address}: its segments end (which may be refused: a downcall uses one, and
     * nothing changed then), its pages go back to the OS and the whole range becomes inaccessible. It waits until
     * {@link #release}.
     */
    void free(long address) {
        Guarded g = live.get(address);
        g.mapping().endScope();
        Reservation r = g.mapping().reservation();
        long lead = address - r.address();
        if (g.usable() > 0) {
            r.purge(lead, g.usable(), 0);
            os.protect(r.address(), r.byteSize(), Protection.NONE);
        }
        live.remove(address);
        liveBytes -= g.usable();
        waiting.put(address, g);
    }

    /** Unmaps the freed payload at {@code address}, out of the quarantine. */
    void release(long address) {
        waiting.remove(address).mapping().release();
    }

    /** {@return whether {@code address} is a freed payload of these, waiting} */
    boolean isWaiting(long address) {
        return waiting.containsKey(address);
    }

    /** {@return the live payloads} */
    int liveCount() {
        return live.size();
    }

    /** {@return their usable bytes} */
    long liveBytes() {
        return liveBytes;
    }

    /** {@return the bytes charged: the live payloads (freed ones are purged)} */
    long committedBytes() {
        return usage.committedBytes();
    }

    /** {@return {address, byteSize} of every mapping, live or waiting, guards included} */
    List<long[]> ranges() {
        List<long[]> ranges = new ArrayList<>();
        for (Map<Long, Guarded> m : List.of(live, waiting)) {
            for (Guarded g : m.values()) {
                ranges.add(new long[] {g.mapping().reservation().address(), g.mapping().reservation().byteSize()});
            }
        }
        return ranges;
    }

    /**
     * Ends every segment and unmaps every mapping: the heap closes. A mapping whose segment a downcall uses right now
     * cannot go: it stays mapped under the downcall, is logged at {@code WARNING}, and its cleaner unmaps it once its
     * segments are unreachable; the others go, and the close completes.
     */
    void releaseAll() {
        for (Map<Long, Guarded> m : List.of(live, waiting)) {
            for (Guarded g : m.values()) {
                try {
                    g.mapping().release();
                } catch (IllegalStateException inUse) {
                    LOG.log(System.Logger.Level.WARNING, "closing a hardened heap whose large payload at "
                            + Bits.hex(g.payload()) + " is in use by a downcall: its mapping stays until its segments"
                            + " are unreachable", inUse);
                }
            }
            m.clear();
        }
        liveBytes = 0;
    }
}
