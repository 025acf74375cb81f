package dev.jalloc.heap;

import dev.jalloc.DebugLevel;
import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Checks;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Configures a {@link Heap}, with the vocabulary of every jalloc builder: {@code reserveSize} (address space) and
 * where the memory comes from.
 *
 * {@snippet :
 * Heap heap = Heap.builder()
 *         .reserveSize(4L << 30)     // 4 GiB of address space for its pages
 *         .build();
 * }
 */
public final class HeapBuilder {
    private long reserveSize = Heap.DEFAULT_RESERVE_SIZE;
    private boolean reserveSizeSet;
    private LinearArena arena;
    private boolean shared;
    private Os os = Os.current();

    /** Null: the system property's level, read when built. */
    private DebugLevel debugLevel;
    private Hardening hardening = Hardening.NONE;
    private boolean checkedLifetimes;
    /** Empty: the hardening level's interval. */
    private OptionalInt guardSlabInterval = OptionalInt.empty();

    HeapBuilder() {
    }

    /**
     * Sets the address space of the heap's own reservation (rounded up to the page): its pages, not its huge
     * mappings. Without it the default reservation degrades to a smaller one when the OS refuses that much address
     * space; with it, such a refusal is an error.
     *
     * @param byteSize the number of bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code byteSize} is not positive or above {@value Heap#MAX_RESERVE_SIZE}
     */
    public HeapBuilder reserveSize(long byteSize) {
        Checks.checkPositiveByteSize("reserveSize", byteSize);
        if (byteSize > Heap.MAX_RESERVE_SIZE) {
            throw Checks.illegalArgument("reserveSize", byteSize, "<= " + Heap.MAX_RESERVE_SIZE);
        }
        this.reserveSize = byteSize;
        this.reserveSizeSet = true;
        return this;
    }

    /**
     * Puts the heap's pages on the tail of {@code arena} instead of a reservation of its own (see
     * {@link Heap#onTailOf}).
     *
     * @param arena the arena to take the tail of
     * @return this builder
     */
    public HeapBuilder onTailOf(LinearArena arena) {
        this.arena = Objects.requireNonNull(arena, "arena");
        return this;
    }

    /**
     * Makes the heap shared: every thread may allocate from it and free into it (see {@link Heap}'s section on
     * threads); confined to the building thread otherwise, the default. A shared heap on an arena's tail needs a
     * shared arena.
     *
     * @param shared whether every thread may use the heap
     * @return this builder
     */
    public HeapBuilder shared(boolean shared) {
        this.shared = shared;
        return this;
    }

    /** Runs the heap over {@code os}: for tests on systems with other page sizes ({@link Os#withPageSize}). */
    HeapBuilder os(Os os) {
        this.os = os;
        return this;
    }

    /**
     * Sets what the allocator watches of itself: leak reports, allocation sites, invariant walks (see {@link
     * DebugLevel}). Without it, the level the system property {@value DebugLevel#PROPERTY} names, {@code off} if none.
     *
     * @param level the debug level
     * @return this builder
     */
    public HeapBuilder debug(DebugLevel level) {
        this.debugLevel = Objects.requireNonNull(level, "level");
        return this;
    }

    /**
     * Sets how hard the heap makes memory errors of native code and raw addresses to exploit: zero on free,
     * canaries, the write-after-free check, quarantines, random slot order and span choice, guard pages (see {@link
     * Hardening}, whose table says what each level does). Default {@link Hardening#NONE}. A hardened heap needs a
     * reservation of its own: it cannot be built on an arena's tail.
     *
     * @param level the hardening level
     * @return this builder
     */
    public HeapBuilder hardening(Hardening level) {
        this.hardening = Objects.requireNonNull(level, "level");
        return this;
    }

    /**
     * Sets how often a hardened heap puts a guard page after a slab or pool (the pages of its small and medium size
     * classes): after every {@code slabs}-th new one, an inaccessible page directly after its last byte, so that a
     * linear overflow off its end by native code or through a raw address faults at once (SIGSEGV) instead of
     * writing into the next slab. {@code 0}: no guard slabs; {@code 1}: after every slab and pool; {@code n}: after
     * every {@code n}-th. Without it, the level's: after every one at {@link Hardening#STANDARD} and {@link
     * Hardening#FULL}, none at {@link Hardening#LIGHT}.
     *
     * <p>A guard is one OS page that the heap never handed out and never will (so no segment, however stale, covers
     * it, and a Java access can never fault on it): reserved address space, neither committed nor free. A slab freed
     * before its guard leaves the guard for the next slab, so a heap whose live set stays bounded makes no new guards
     * as it churns.
     *
     * @implNote Each guard splits the heap's mapping, costing up to two of the process's mappings (Linux allows
     *     65,530 by default, {@code vm.max_map_count}). The guards of all heaps of the process are capped at 16,384
     *     (half that limit); once the cap is reached, new slabs and pools go without new guards, the ones there are
     *     still reused, and a warning is logged once. A new guard costs one system call ({@code mmap} on Linux,
     *     {@code VirtualFree} on Windows), on the slow path that makes a slab.
     * @param slabs every how many new slabs and pools one gets a guard page; 0 for none
     * @return this builder
     * @throws IllegalArgumentException if {@code slabs} is negative
     */
    public HeapBuilder guardSlabInterval(int slabs) {
        if (slabs < 0) {
            throw Checks.illegalArgument("guardSlabInterval", slabs, ">= 0");
        }
        this.guardSlabInterval = OptionalInt.of(slabs);
        return this;
    }

    /**
     * Sets whether every segment the heap hands out ends its lifetime at its payload's free, so that a use after
     * free through a segment throws {@link IllegalStateException} instead of reading or writing what the heap put
     * there since. Each payload that gets a segment gets an {@link java.lang.foreign.Arena} of its own: confined on a
     * confined heap (its segments then work on the heap's thread only), shared on a shared heap (whose free then
     * waits for every thread to leave any access to the segment, as {@code Arena.close()} does). Payloads used by
     * address only cost nothing. On at {@link Hardening#FULL}; default off. Not on an arena's tail, whose arena
     * unmaps it at its close. If a downcall uses one payload's segment while the heap closes, the close is refused,
     * and the segments of other payloads may have ended already.
     *
     * @param checked whether segments die at their free
     * @return this builder
     */
    public HeapBuilder checkedLifetimes(boolean checked) {
        this.checkedLifetimes = checked;
        return this;
    }

    /**
     * {@return a new heap, confined to the calling thread or shared}
     *
     * @throws OutOfNativeMemoryError        if the OS refuses the reservation, or it (or the arena's block) has no
     *                                       room for a page
     * @throws IllegalArgumentException      if the heap is shared and the arena is not, or hardened or with checked
     *                                       lifetimes on an arena, or with guard slabs and not hardened
     * @throws IllegalStateException         if the arena is closed or already lends its tail
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws UnsupportedOperationException if the arena is over heap memory
     */
    public Heap build() {
        if (shared && arena != null && !arena.isShared()) {
            throw new IllegalArgumentException("a shared heap needs a shared arena: " + arena);
        }
        if ((hardening != Hardening.NONE || checkedLifetimes) && arena != null) {
            // A tail may hold old bytes; and its arena unmaps it at its close before the heap could end the
            // payloads' own lifetimes.
            throw new IllegalArgumentException("a hardened heap, or one with checked lifetimes, needs a reservation "
                    + "of its own, not the tail of " + arena);
        }
        if (hardening == Hardening.NONE && guardSlabInterval.orElse(0) != 0) {
            throw new IllegalArgumentException("guard slabs (guardSlabInterval " + guardSlabInterval.getAsInt()
                    + ") need a hardened heap, not hardening " + hardening);
        }
        DebugLevel level = debugLevel != null ? debugLevel : DebugLevel.fromSystemProperty();
        Region region = arena != null ? Regions.tail(arena)
                : Regions.own(os, reserveSize, !reserveSizeSet, 1L << 20, shared, "a heap", level,
                        hardening != Hardening.NONE);   // a hardened heap's base is random
        int stripes = shared ? stripes() : 0;
        Hardening h = hardening;
        boolean lifetimes = checkedLifetimes;
        OptionalInt guards = guardSlabInterval;
        return Regions.build(region, r -> new Heap(os, r, stripes, level, h, lifetimes, guards));
    }

    /** {@return the stripes of a shared heap for virtual threads: four per core, a power of two} */
    private static int stripes() {
        int wanted = 4 * Runtime.getRuntime().availableProcessors();
        return Math.max(4, Integer.highestOneBit(wanted - 1) << 1);
    }
}
