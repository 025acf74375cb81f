package dev.jalloc.internal.hardened;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.jalloc.MemoryCorruptionError;
import dev.jalloc.heap.Hardening;
import dev.jalloc.heap.HeapPicture;
import dev.jalloc.heap.HeapStats;
import dev.jalloc.heap.SizeClassStats;
import dev.jalloc.internal.heap.HeapBackend;
import dev.jalloc.internal.heap.HeapEngine;
import dev.jalloc.internal.heap.SizeClasses;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Confinement;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A hardened heap: the confined {@link HeapEngine} underneath, with zero on free, canaries, the write-after-free
 * check, quarantines, shuffled slot order and checked lifetimes around it, as its {@link Policy} says.
 *
 * <pre>
 *   slot (a size class up to 32 KiB):   [ payload: usableSize bytes ............ ][ canary: 8 bytes ]
 *                                        zero when handed out (checked: STANDARD)   secret ^ address, mixed;
 *                                                                                   its first byte 0
 *   free(a):  exact address check (the engine) -> not in a quarantine -> segments end (checked lifetimes)
 *             -> canary checked -> slot zeroed (large: zeroed, or purged from 64 KiB) -> quarantine -> engine
 *   allocate: the engine's slot -> zero checked -> canary written
 * </pre>
 * The engine sees a quarantined payload as allocated, so it can never hand it out; this class tells it from a live
 * one by the quarantine's set. Where zero on free is on, every free byte of the heap reads zero (fresh pages are
 * zero, freed ones are zeroed or purged), so nothing is zeroed at allocation. Damage found poisons the engine: every
 * later call but closing throws {@link IllegalStateException} naming the {@link MemoryCorruptionError}. Not
 * thread-safe: {@link SharedHardenedEngine} serializes every call.
 */
public class HardenedEngine extends HeapBackend {
    /**
     * Large payloads from this size are purged at free (the OS zeroes them lazily) rather than zeroed. Below it a
     * fill is cheaper: a purged page costs a fault at its next touch (5 to 10 us on a VM), where zeroing a 4 KiB page
     * costs about 0.2 us. Purging every freed payload from 64 KiB made LIGHT's replay of a recorded cc1plus trace
     * take 5.1x NONE's time; zeroing below 1 MiB, 1.4x. Pages the heap stops using go back by its decay anyway.
     */
    private static final long PURGE_FROM = 1 << 20;

    private final HeapEngine engine;
    private final Policy policy;
    private final Os os;
    /**
     * Native memory by absolute address, for the canaries, the zeroing and the checks: every address it is used at
     * lies in a payload the engine just handed out or validated, in memory that stays mapped while the call runs
     * (a shared heap serializes its calls and refuses them once closed). Through the region's own segment each access
     * would check that segment's bounds and lifetime again: measured 8 to 17 ns per allocation and free pair.
     */
    @SuppressWarnings("restricted")
    private static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** What a free slot reads: the write-after-free check compares a slot with it (a vectorized mismatch). */
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[SizeClasses.MEDIUM_MAX]);

    private final MemorySegment mem;
    private final long base;
    private final long regionBytes;
    private final long secret;
    private final SlotQuarantine slots;
    private final Quarantine large;
    /** Large payloads between guard pages, with their own quarantine; null where the level guards none. */
    private final GuardedMappings guarded;
    private final Quarantine guardedQuarantine;
    private final Lifetimes lifetimes;
    private final Consumer<Error> reporter;
    private final Quarantine.Release largeToEngine;
    private final Quarantine.Release guardedToOs;
    /** Whether any quarantine holds payloads in the region: then a free or a query must ask them first. */
    private final boolean quarantines;
    /** Large payloads in the region's quarantine: for the statistics. */
    private long quarantinedLarge;
    private MemoryCorruptionError poison;
    boolean closed;

    HardenedEngine(Os os, Region region, boolean shared, Policy policy, Consumer<Error> reporter) {
        if (policy.zeroOnFree() && (!region.ownsMemory() || region.cleanFrom() != 0)) {
            throw new IllegalArgumentException("a hardened heap needs a reservation of its own (not an arena's tail)");
        }
        RandomGenerator random = new Randomness();
        this.policy = policy;
        this.os = os;
        this.engine = new HeapEngine(os, region, policy.shuffle() ? random : null,
                policy.randomSpans() ? random : null, policy.guardSlabInterval());
        this.mem = region.segment();
        this.base = region.address();
        this.regionBytes = mem.byteSize();
        this.secret = random.nextLong();
        this.slots = new SlotQuarantine(base, policy.slotRandom(), policy.slotRing(), policy.slotBytes(), random);
        this.large = new Quarantine(policy.largeRandom(), policy.largeRing(), policy.largeBytes(), random);
        this.guarded = policy.guardedFrom() == Policy.NEVER ? null : new GuardedMappings(os, shared, random);
        this.guardedQuarantine = new Quarantine(policy.largeRandom(), policy.largeRing(), policy.largeBytes(),
                random);
        this.quarantines = !slots.isDisabled() || !large.isDisabled();
        this.lifetimes = policy.checkedLifetimes() ? new Lifetimes(shared, mem) : null;
        this.reporter = reporter;
        this.guardedToOs = (address, bytes) -> guarded.release(address);
        this.largeToEngine = (address, bytes) -> {
            quarantinedLarge--;
            engine.free(address);
        };
    }

    /**
     * {@return a hardened engine for a heap at {@code level}, serialized if {@code shared}}
     *
     * @param guardSlabInterval the builder's guard slab interval, if it set one (else the level's)
     * @param reporter          logs and records a corruption before it is thrown
     * @throws IllegalArgumentException if the region is not the heap's own
     */
    public static HeapBackend create(Os os, Region region, boolean shared, Hardening level, boolean checkedLifetimes,
            OptionalInt guardSlabInterval, Consumer<Error> reporter) {
        Policy policy = Policy.of(level, checkedLifetimes, guardSlabInterval);
        return shared ? new SharedHardenedEngine(os, region, policy, reporter)
                : new HardenedEngine(os, region, false, policy, reporter);
    }

    // ---- allocation ----

    @Override
    public long allocate(long byteSize, long byteAlignment, boolean zero) {
        checkUsable();
        if (byteSize >= policy.guardedFrom() || byteSize == 0 && guarded != null) {
            // Fresh from the OS: zero. Zero bytes: an address in a guard, where any access faults.
            return guarded.allocate(byteSize, byteAlignment);
        }
        boolean clean = policy.zeroOnFree();   // then every free byte reads zero already
        if (policy.canaries() && byteSize <= SizeClasses.MEDIUM_MAX) {
            // Every slot has its canary: a request that cannot fit one before the largest class gets pages.
            long ask = byteSize + Policy.CANARY;
            long address = engine.allocate(ask, byteAlignment);
            boolean plain = ask <= SizeClasses.MEDIUM_MAX && byteAlignment <= SizeClasses.QUANTUM;   // its class's slot
            if (plain || engine.isSlot(address)) {   // else pages: a large request, or an alignment no class has
                long slot = plain ? SizeClasses.size(SizeClasses.index(ask)) : engine.usableSize(address);
                if (policy.checkReuse()) {
                    checkZero(address, slot);
                }
                NATIVE.set(JAVA_LONG_UNALIGNED, address + slot - Policy.CANARY, canary(address));
            }
            return address;
        }
        return clean || !zero ? engine.allocate(byteSize, byteAlignment)
                : engine.allocateZeroed(byteSize, byteAlignment);
    }

    /** A slot about to be handed out again must read zero: anything else was written after its free. */
    private void checkZero(long address, long slot) {
        long at = MemorySegment.mismatch(NATIVE, address, address + slot, ZEROS, 0, slot);
        if (at >= 0) {
            throw corrupted(new MemoryCorruptionError(MemoryCorruptionError.Kind.WRITE_AFTER_FREE, address, slot, at,
                    "write after free: the freed slot at " + Bits.hex(address) + " (" + slot
                    + " bytes) was written at offset " + at + " before it was handed out again"));
        }
    }

    /** {@return the canary of the slot at {@code address}: the heap's secret and the address mixed, low byte 0} */
    private long canary(long address) {
        long x = (address ^ secret) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 31)) * 0x94D049BB133111EBL;
        return (x ^ (x >>> 29)) & ~0xFFL;
    }

    // ---- free ----

    @Override
    public void free(long address) {
        checkUsable();
        if (Long.compareUnsigned(address - base, regionBytes) >= 0) {
            freeOutside(address);
            return;
        }
        long usable = engine.usableSize(address, "free");   // the exact check: foreign, interior, freed, released
        boolean slot = engine.isSlot(address);
        // A quarantined payload is allocated to the engine, freed to us.
        if (quarantines && (slot ? slots.contains(address) : large.contains(address))) {
            throw alreadyFreed(address, "free");
        }
        if (slot && policy.canaries()) {
            checkCanary(address, usable);
        }
        if (lifetimes != null) {
            lifetimes.end(address);   // may refuse (a segment in use): nothing changed yet
        }
        if (policy.zeroOnFree()) {
            clear(address, usable);
        }
        if (slot && !slots.isDisabled()) {
            long leaving = slots.put(SizeClasses.index(usable), address);
            if (leaving != 0) {
                engine.free(leaving);
            }
        } else if (!slot && !large.isDisabled()) {
            quarantinedLarge++;
            large.put(address, usable, largeToEngine);
        } else {
            engine.free(address);
        }
    }

    /** Frees what lies outside the region: a guarded mapping, or the engine's huge one (or refuses). */
    private void freeOutside(long address) {
        long mapped = guarded == null ? -1 : guarded.usableSize(address);
        if (mapped >= 0) {
            guarded.free(address);   // may refuse (a segment in use): nothing changed then
            if (guardedQuarantine.isDisabled()) {
                guarded.release(address);
            } else {
                guardedQuarantine.put(address, mapped, guardedToOs);
            }
            return;
        }
        checkNotQuarantined(address, false, "free");
        engine.free(address);   // huge (unmapped, its segments ended), or refused: not a payload of this heap
    }

    private void checkCanary(long address, long slot) {
        long found = NATIVE.get(JAVA_LONG_UNALIGNED, address + slot - Policy.CANARY);
        long expected = canary(address);
        if (found != expected) {
            long at = slot - Policy.CANARY + Long.numberOfTrailingZeros(found ^ expected) / 8;
            throw corrupted(new MemoryCorruptionError(MemoryCorruptionError.Kind.CANARY, address, slot, at,
                    "canary overwritten: the slot at " + Bits.hex(address) + " (" + slot + " bytes, "
                    + (slot - Policy.CANARY) + " usable) was written past its end, at offset " + at));
        }
    }

    /**
     * Zeroes a freed payload with a bulk fill (stores to native memory: the JIT cannot drop them), from
     * {@value #PURGE_FROM} bytes of whole OS pages by purging them, which the OS zeroes lazily.
     */
    private void clear(long address, long usable) {
        long osPage = os.pageSize();
        if (usable >= PURGE_FROM && ((address | usable) & (osPage - 1)) == 0) {
            os.purge(address, usable);
        } else {
            NATIVE.asSlice(address, usable).fill((byte) 0);
        }
    }

    private void checkNotQuarantined(long address, boolean inRegion, String what) {
        if (inRegion ? slots.contains(address) || large.contains(address) : guardedQuarantine.contains(address)) {
            throw alreadyFreed(address, what);
        }
    }

    private static IllegalArgumentException alreadyFreed(long address, String what) {
        return new IllegalArgumentException(what + ": " + Bits.hex(address)
                + " is already freed (it waits in the quarantine)");
    }

    // ---- reallocate, usable size, segments ----

    @Override
    public long reallocate(long address, long byteSize, boolean zero) {
        long usable = payloadSize(address, "reallocate");   // every check first: a refused call changes nothing
        if (policy.canaries() && engine.isSlot(address)) {
            checkCanary(address, usable + Policy.CANARY);
        }
        if (byteSize <= usable && (usable <= 128 || byteSize > usable / 2)) {
            return address;
        }
        long moved = allocate(Math.max(byteSize, 1), SizeClasses.QUANTUM, zero);
        long n = Math.min(usable, byteSize);
        MemorySegment.copy(payload(address, n), 0, payload(moved, n), 0, n);
        try {
            free(address);
        } catch (IllegalStateException e) {   // its segments are in use: the move is undone
            freeQuietly(moved);
            throw e;
        }
        return moved;
    }

    private void freeQuietly(long address) {
        try {
            free(address);
        } catch (RuntimeException e) {
            throw new AssertionError("a payload just handed out could not be freed", e);
        }
    }

    @Override
    public long usableSize(long address) {
        return payloadSize(address, "usableSize");
    }

    /** {@return the usable bytes of the live payload at {@code address}}, checked for the call {@code what} */
    private long payloadSize(long address, String what) {
        checkUsable();
        boolean inRegion = Long.compareUnsigned(address - base, regionBytes) < 0;
        long mapped = guarded == null || inRegion ? -1 : guarded.usableSize(address);
        if (mapped >= 0) {
            return mapped;
        }
        checkNotQuarantined(address, inRegion, what);
        long usable = engine.usableSize(address, what);
        return policy.canaries() && engine.isSlot(address) ? usable - Policy.CANARY : usable;
    }

    @Override
    public MemorySegment segment(long address, long byteSize) {
        if (lifetimes != null && Long.compareUnsigned(address - base, regionBytes) < 0) {
            return lifetimes.segment(address, byteSize);
        }
        return payload(address, byteSize);
    }

    /** {@return a segment over the live payload at {@code address}: a guarded mapping's, or the engine's} */
    private MemorySegment payload(long address, long byteSize) {
        boolean mapped = guarded != null && Long.compareUnsigned(address - base, regionBytes) >= 0
                && guarded.usableSize(address) >= 0;
        return mapped ? guarded.segment(address, byteSize) : engine.segment(address, byteSize);
    }

    // ---- poison ----

    private void checkUsable() {
        if (poison != null) {
            throw new IllegalStateException("the heap found its memory corrupted and refuses every call but close: "
                    + poison.getMessage(), poison);
        }
    }

    private MemoryCorruptionError corrupted(MemoryCorruptionError e) {
        poison = e;
        reporter.accept(e);
        return e;
    }

    // ---- trim, statistics, check ----

    @Override
    public void trim() {
        checkUsable();
        engine.trim();
    }

    /** The usable bytes of the live payloads: quarantined ones are not live, and a slot's canary is not usable. */
    @Override
    public long liveBytes() {
        long bytes = engine.liveBytes() - slots.bytes() - large.bytes() + guardedBytes();
        if (policy.canaries()) {
            for (int c = 0; c < SizeClasses.COUNT; c++) {
                bytes -= Policy.CANARY * liveAllocations(c);
            }
        }
        return bytes;
    }

    /** Guarded payloads count as huge ones: each has a mapping of its own. */
    @Override
    public long liveAllocations(int c) {
        long waiting = c < SizeClasses.COUNT ? slots.count(c) : c == SizeClasses.COUNT ? quarantinedLarge : 0;
        return engine.liveAllocations(c) - waiting
                + (c == SizeClasses.COUNT + 1 ? guardedCount() : 0);
    }

    @Override
    public long liveAllocations() {
        return engine.liveAllocations() - slots.count() - large.count() + guardedCount();
    }

    private long guardedCount() {
        return guarded == null ? 0 : guarded.liveCount();
    }

    private long guardedBytes() {
        return guarded == null ? 0 : guarded.liveBytes();
    }

    private long guardedCommitted() {
        return guarded == null ? 0 : guarded.committedBytes();
    }

    /**
     * The engine's numbers, with quarantined slots counted as cached and quarantined large payloads as free, and
     * each class's size its usable bytes (the slot less its canary), so that the classes still add up.
     */
    @Override
    public HeapStats stats(long reservedBytes) {
        HeapStats s = engine.stats(reservedBytes);
        List<SizeClassStats> classes = new ArrayList<>(s.classes().size());
        long canary = policy.canaries() ? Policy.CANARY : 0;
        for (SizeClassStats c : s.classes()) {
            long q = slots.count(c.index());
            classes.add(new SizeClassStats(c.index(), c.size() - canary, c.liveBlocks() - q, c.cachedSlots() + q,
                    c.spans()));
        }
        long largeQ = quarantinedLarge;
        return new HeapStats(s.shared(), liveBytes(), liveAllocations(), s.committedBytes() + guardedCommitted(),
                s.peakCommittedBytes() + guardedCommitted(), s.reservedBytes(), s.residentBytes()
                + (s.residentBytes() < 0 ? 0 : guardedCommitted()), s.freePages(), s.purgedPages(), s.purges(),
                classes, s.largeBlocks() - largeQ, s.largeBytes() - large.bytes(), s.hugeBlocks() + guardedCount(),
                s.hugeBytes() + guardedBytes(), s.remoteFrees(), s.threadCaches(), s.osCalls());
    }

    @Override
    public HeapPicture picture(long reservedBytes) {
        return engine.picture(reservedBytes);
    }

    @Override
    public long[] usageRacy() {
        return new long[] {engine.footprint() + guardedCommitted(), engine.liveBytes() + guardedBytes()};
    }

    @Override
    public long footprint() {
        return engine.footprint() + guardedCommitted();
    }

    /**
     * The engine's invariants, then every slot: a live one's canary intact, a quarantined one still zero where the
     * level checks reuse (what its free or its reuse would find, found now).
     */
    @Override
    public void check() {
        checkUsable();
        engine.check();
        if (policy.checkReuse()) {
            slots.forEach(this::checkZero);
        }
        if (policy.canaries()) {
            engine.forEachSlot((address, slot) -> {
                if (!slots.contains(address)) {
                    checkCanary(address, slot);
                }
            });
        }
    }

    // ---- lifetime ----

    @Override
    public boolean close(Runnable first) {
        if (closed) {
            return false;
        }
        if (lifetimes != null) {
            lifetimes.endAll();   // the payloads' segments end before the memory goes
        }
        first.run();
        closed = true;
        return true;
    }

    @Override
    public void release() {
        if (guarded != null) {
            guarded.releaseAll();
        }
        engine.release();
    }

    @Override
    public void releaseHuge() {
        closed = true;
        if (guarded != null) {
            guarded.releaseAll();
        }
        engine.releaseHuge();
    }

    @Override
    public List<long[]> hugeRanges() {
        List<long[]> ranges = new ArrayList<>(engine.hugeRanges());
        if (guarded != null) {
            ranges.addAll(guarded.ranges());
        }
        return ranges;
    }
}
