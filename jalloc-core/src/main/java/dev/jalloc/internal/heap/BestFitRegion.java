package dev.jalloc.internal.heap;

import dev.jalloc.internal.memory.PageStates;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.MemorySegment;
import java.util.random.RandomGenerator;

/**
 * A {@link BestFit} over the committed prefix of a {@link Region}, in units of {@code 2^unitShift} bytes (16-byte
 * granules for the best-fit allocator, 4 KiB heap pages for the heap's page map): it grows the prefix when no free
 * block fits, commits again the purged pages a block reaches before handing it out, purges the pages of free blocks
 * on request, and zeroes only what was handed out before ({@link PageStates}).
 *
 * <pre>
 *   region   [unit 0][unit 1] ...                  [ committed prefix ........ ][ reserved ...
 *   BestFit  blocks tile [0, limit)                 limit <= committed prefix / unit size
 *   growth   the blocks grow by what the free tail lacks, rounded up to a step of a quarter of what they cover,
 *            clamped to [minStep, maxStep]: a multiple of the OS page, not always a power of two; the region
 *            commits that far rounded up to maxStep (the commit step)
 * </pre>
 * The blocks start empty and grow only on demand, also where the region is committed already (an arena's tail in a
 * block committed whole, the caller's memory): the out-of-band metadata (the bitmaps of {@link BestFit}, the heap's
 * per-page arrays) is proportional to what the allocator has used, not to what the region happens to hold.
 * Units may be smaller or larger than the OS page: commits, purges and recommits are whole OS pages, and a free
 * block gives back only the OS pages lying wholly inside it. Not thread-safe.
 */
final class BestFitRegion {
    private final Region region;
    private final int unitShift;
    private final BestFit fit;
    private final PageStates states;
    private final long minStep;
    private final long maxStep;
    private final long maxUnits;
    /** The bytes of guards ({@link #guard}): inside the committed prefix, not charged. */
    private long guardBytes;

    BestFitRegion(Region region, int unitShift, long minStep, long maxStep) {
        this.region = region;
        this.unitShift = unitShift;
        long unit = 1L << unitShift;
        if ((region.address() & (unit - 1)) != 0) {
            throw new IllegalArgumentException("region at " + Bits.hex(region.address()) + ": not aligned to its "
                    + unit + "-byte unit");
        }
        long osPage = region.osPageSize();
        this.minStep = Bits.alignUp(Math.max(minStep, osPage), osPage);
        this.maxStep = Math.max(this.minStep, Bits.alignUp(maxStep, osPage));
        this.maxUnits = Math.min(region.reservedBytes() >>> unitShift, BestFit.MAX_UNITS);
        this.fit = new BestFit(region.address() >>> unitShift);
        this.states = new PageStates(region);
    }

    BestFit fit() {
        return fit;
    }

    /** {@return the most units the region can hold} */
    long maxUnits() {
        return maxUnits;
    }

    /**
     * {@return the first unit of a block of {@code n} units whose address is a multiple of {@code alignUnits} units,
     * committed and ready to hand out, or -1 if the region cannot grow so far}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses memory; nothing changed
     */
    long allocate(long n, long alignUnits) {
        long start = fit.allocate(n, alignUnits);
        if (start < 0) {
            if (!grow(fit.needToGrow(n, alignUnits))) {
                return -1;
            }
            start = fit.allocate(n, alignUnits);
        }
        return committed(start, n);
    }

    /**
     * {@return as {@link #allocate}, from one of the {@code candidates} best-fitting free blocks chosen by
     * {@code random} ({@link BestFit#allocateAmong})}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses memory; nothing changed
     */
    long allocateAmong(long n, long alignUnits, int candidates, RandomGenerator random) {
        long start = fit.allocateAmong(n, alignUnits, candidates, random);
        if (start < 0) {
            if (!grow(fit.needToGrow(n, alignUnits))) {
                return -1;
            }
            start = fit.allocateAmong(n, alignUnits, candidates, random);
        }
        return committed(start, n);
    }

    /**
     * Takes {@code [start, start + n)}, free units or units past the limit (the blocks grow to reach them), as an
     * allocated block, committed. {@return false if the region cannot grow so far}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses memory; the block is free again
     */
    boolean allocateAt(long start, long n) {
        if (start + n > fit.limit() && !grow(start + n - fit.limit())) {
            return false;
        }
        fit.allocateAt(start, n);
        committed(start, n);
        return true;
    }

    /**
     * {@return {@code start}, the block of {@code n} units there committed again where purged (or freed, and thrown)}
     */
    private long committed(long start, long n) {
        try {
            states.ensureCommitted(start << unitShift, (start + n) << unitShift);
        } catch (RuntimeException | Error e) {
            fit.free(start);
            throw e;
        }
        return start;
    }

    /**
     * Adds at least {@code units} more units (rounded up to the step) to the blocks, committing the region that far.
     * {@return false if the region has no room for them}
     */
    private boolean grow(long units) {
        long limit = fit.limit();
        if (units > maxUnits - limit) {
            return false;
        }
        long covered = limit << unitShift;
        long step = Math.min(maxStep, Math.max(minStep, Bits.alignDown(covered / 4, region.osPageSize())));
        long target = Math.min(maxUnits << unitShift, Bits.roundUp(covered + (units << unitShift), step));
        region.commitTo(Math.min(maxUnits << unitShift, Bits.roundUp(target, maxStep)));
        fit.grow(target >>> unitShift);
        return true;
    }

    /**
     * Resizes the block at {@code start} to {@code n} units where it is, growing the region when the block ends at
     * its free tail; the units it grows by are committed. {@return whether it could}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses memory; the block is as it was
     */
    boolean resize(long start, long n) {
        long old = fit.sizeOf(start);
        if (fit.resize(start, n)) {
            return n <= old || ensureGrown(start, old, n);
        }
        long end = start + old;
        if (end != fit.freeTailStart() && end != fit.limit()) {
            return false;   // not the last block: only its free successor could have made room
        }
        if (!grow(n - old - (fit.limit() - end)) || !fit.resize(start, n)) {
            return false;
        }
        return ensureGrown(start, old, n);
    }

    private boolean ensureGrown(long start, long old, long n) {
        try {
            states.ensureCommitted((start + old) << unitShift, (start + n) << unitShift);
        } catch (RuntimeException | Error e) {
            fit.resize(start, old);
            throw e;
        }
        return true;
    }

    /** Frees the block at {@code start}. {@return the first unit of the free block it became part of} */
    long free(long start) {
        return fit.free(start);
    }

    /**
     * Hands out units {@code [from, to)}: zeroes what lies on pages handed out before if {@code zero} (fresh pages
     * read as zero already), and marks them as handed out.
     */
    void handOut(MemorySegment mem, long from, long to, boolean zero) {
        if (zero) {
            states.zeroDirty(mem, from << unitShift, to << unitShift);
        } else {
            states.markDirty(from << unitShift, to << unitShift);
        }
    }

    /**
     * Makes the allocated units {@code [from, to)}, whole OS pages that were never handed out and never will be, a
     * guard: committed again where purged (so that the counts stay exact), then decommitted, inaccessible for good
     * and no longer charged ({@link Region#guard}).
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses (a process at its limit of mappings); the units
     *                                           stay accessible
     */
    void guard(long from, long to) {
        states.ensureCommitted(from << unitShift, to << unitShift);
        region.guard(from << unitShift, (to - from) << unitShift);
        guardBytes += (to - from) << unitShift;
    }

    /** Purges the OS pages lying wholly inside the free units {@code [from, to)}. {@return the bytes purged} */
    long purgeFree(long from, long to) {
        return states.purgeFree(from << unitShift, to << unitShift);
    }

    /** Purges the pages of every free block and gives the free tail's pages back. {@return the bytes purged} */
    long purgeAllFree() {
        long[] purged = {0};
        fit.forEachFree((start, size) -> purged[0] += purgeFree(start, start + size));
        long keep = Bits.alignUp(fit.freeTailStart() << unitShift, region.osPageSize());
        // The caller's memory is never purged: its free tail keeps its bytes, and its pages stay dirty.
        if (region.ownsMemory() && keep < region.committedBytes()) {
            fit.shrink(Math.min(fit.limit(), keep >>> unitShift));
            region.purgeAbove(keep, states.forgetAbove(keep));
        }
        return purged[0];
    }

    /** {@return the bytes the OS charges for the region: its committed prefix less the purged and guard pages} */
    long committedBytes() {
        return region.committedBytes() - states.purgedBytes() - guardBytes;
    }

    /** {@return the bytes of purged pages inside the committed prefix} */
    long purgedBytes() {
        return states.purgedBytes();
    }

    /** {@return whether unit {@code u} lies in a purged OS page} */
    boolean isPurged(long u) {
        return states.isPurged(u << unitShift);
    }

    /** {@return the bytes of the committed prefix, purged pages included} */
    long prefixBytes() {
        return region.committedBytes();
    }

    /**
     * Checks the blocks and that they lie within the committed prefix.
     *
     * @throws IllegalStateException naming the first violation
     */
    void check() {
        fit.check();
        if (fit.limit() << unitShift > region.committedBytes()) {
            throw new IllegalStateException("blocks end at " + (fit.limit() << unitShift) + ", past the committed "
                    + region.committedBytes());
        }
    }

    /** Gives the region back: to the OS, or to its arena with no holes left in the arena's committed prefix. */
    void release() {
        if (region.returnsToArena()) {
            long hole = states.firstHole();
            if (hole >= 0) {
                region.purgeAbove(hole, states.forgetAbove(hole));
            }
        }
        region.release(0);
    }
}
