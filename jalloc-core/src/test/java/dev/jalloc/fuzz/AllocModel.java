package dev.jalloc.fuzz;

import dev.jalloc.fuzz.Memory.Live;
import dev.jalloc.heap.AddressAllocator;
import dev.jalloc.heap.BestFitAllocator;
import dev.jalloc.heap.Hardening;
import dev.jalloc.heap.Heap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model of one {@link Heap} or {@link BestFitAllocator}: its live payloads by address (each filled with one
 * byte), the sum of their usable sizes, and addresses it freed (for double frees).
 */
final class AllocModel implements ArenaModel.TailHolder {
    final AddressAllocator alloc;
    final String name;
    final ArenaModel arena;
    private final Memory memory;
    boolean closed;
    /** Whether every thread may use it (a shared heap). */
    final boolean shared;
    /** Whether its memory is the caller's (on the tail of an arena over caller memory). */
    boolean overCallerMemory;
    final Map<Long, Live> lives = new LinkedHashMap<>();
    final List<Long> addresses = new ArrayList<>();
    long usableSum;
    final List<Long> freed = new ArrayList<>();

    AllocModel(AddressAllocator alloc, String name, ArenaModel arena, Memory memory) {
        this.alloc = alloc;
        this.name = name;
        this.arena = arena;
        this.memory = memory;
        this.shared = alloc instanceof Heap h && h.isShared();
    }

    boolean isHeap() {
        return alloc instanceof Heap;
    }

    /**
     * {@return whether a stale segment of a payload it freed may be written}: not for a hardened heap, where such a
     * write is the damage it reports (a {@code MemoryCorruptionError} at the slot's reuse), which its own tests
     * cover; here it would be a detection the fuzzer did not expect.
     */
    boolean staleWritable() {
        return !(alloc instanceof Heap h && h.hardening() != Hardening.NONE);
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public void takenAway() {
        closed = true;
        for (Live l : lives.values()) {
            memory.unregister(l);
        }
        lives.clear();
        addresses.clear();
    }

    /** The observable state a refused call must leave as it was. */
    long[] observe() {
        long arenaCommitted = arena == null ? 0 : arena.arena.committedBytes();
        if (closed) {
            return new long[] {-1, arenaCommitted};
        }
        if (alloc instanceof Heap h) {
            return new long[] {h.liveBytes(), h.liveAllocations(), h.committedBytes(), arenaCommitted};
        }
        BestFitAllocator b = (BestFitAllocator) alloc;
        return new long[] {b.allocatedBytes(), b.allocatedBlocks(), b.freeBytes(), b.freeBlocks(),
                b.committedBytes(), b.largestFreeBlock(), arenaCommitted};
    }

    void add(Live l) {
        lives.put(l.address, l);
        addresses.add(l.address);
        usableSum += l.usable;
    }

    Live remove(long address) {
        Live l = lives.remove(address);
        addresses.remove(address);
        usableSum -= l.usable;
        memory.unregister(l);
        freed.add(address);
        if (freed.size() > 32) {
            freed.remove(0);
        }
        return l;
    }

    Live any(Draw d) {
        return lives.get(addresses.get(d.nextInt(addresses.size())));
    }

    /** Checks the statistics against the model. */
    void checkCounts() {
        if (closed) {
            return;
        }
        if (alloc instanceof Heap h) {
            Fuzz.check(h.liveAllocations() == lives.size() && h.liveBytes() == usableSum, name + ": live "
                    + h.liveAllocations() + " allocations of " + h.liveBytes() + " bytes, model says " + lives.size()
                    + " of " + usableSum);
        } else {
            BestFitAllocator b = (BestFitAllocator) alloc;
            Fuzz.check(b.allocatedBlocks() == lives.size() && b.allocatedBytes() == usableSum, name + ": "
                    + b.allocatedBlocks() + " blocks of " + b.allocatedBytes() + " bytes, model says " + lives.size()
                    + " of " + usableSum);
        }
    }
}
