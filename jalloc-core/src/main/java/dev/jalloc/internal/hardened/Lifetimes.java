package dev.jalloc.internal.hardened;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.HashMap;
import java.util.Map;

/**
 * Checked lifetimes: the arena behind the segments of each live payload that got one, closed at the payload's free,
 * so that a segment used after its free throws {@link IllegalStateException} instead of reading what the heap put
 * there since. Made on the first segment over a payload: payloads used by address only cost nothing. A confined
 * heap's arenas are confined (closing one is cheap); a shared heap's are shared (closing one waits for every thread
 * to leave any access to it: a handshake). Not thread-safe: the engine guards it.
 */
final class Lifetimes {
    private final boolean shared;
    /** The heap's memory's lifetime: each arena keeps it reachable (see {@link #open}). */
    private final Object memory;
    private final Map<Long, Arena> arenas = new HashMap<>();

    /**
     * @param shared whether the segments go to every thread
     * @param memory what keeps the heap's memory mapped while reachable (its region's segment)
     */
    Lifetimes(boolean shared, Object memory) {
        this.shared = shared;
        this.memory = memory;
    }

    /** {@return a segment of {@code byteSize} bytes at {@code address}, alive until the payload's free} */
    @SuppressWarnings("restricted")   // the address is a live payload of the heap, at least byteSize long
    MemorySegment segment(long address, long byteSize) {
        Arena arena = arenas.get(address);
        if (arena == null) {
            arena = open();
            arenas.put(address, arena);
        }
        return MemorySegment.ofAddress(address).reinterpret(byteSize, arena, null);
    }

    /**
     * {@return a new arena whose lifetime keeps the heap's memory reachable}: a segment of a payload must keep the
     * memory from the cleaner that unmaps a heap nobody can reach. One resource in the arena (an empty segment whose
     * cleanup holds the memory), run and dropped at the free.
     */
    @SuppressWarnings("restricted")   // an empty segment at address 0: nothing is read or written through it
    private Arena open() {
        Arena arena = shared ? Arena.ofShared() : Arena.ofConfined();
        Object keep = memory;
        MemorySegment.NULL.reinterpret(0, arena, ignored -> Reference.reachabilityFence(keep));
        return arena;
    }

    /**
     * Ends the segments of the payload at {@code address}, about to be freed.
     *
     * @throws IllegalStateException if one is in use by a downcall or a thread's access: nothing changed, the free
     *                               must be refused; or if the confined arena belongs to another thread
     */
    void end(long address) {
        Arena arena = arenas.get(address);
        if (arena != null) {
            arena.close();
            arenas.remove(address);
        }
    }

    /**
     * Ends every payload's segments: before the heap's memory goes.
     *
     * @throws IllegalStateException if one is in use: the rest are closed
     */
    void endAll() {
        IllegalStateException refused = null;
        for (var it = arenas.values().iterator(); it.hasNext(); ) {
            try {
                it.next().close();
                it.remove();
            } catch (IllegalStateException e) {
                refused = e;
            }
        }
        if (refused != null) {
            throw refused;
        }
    }
}
