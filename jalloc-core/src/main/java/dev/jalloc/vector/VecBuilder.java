package dev.jalloc.vector;

import dev.jalloc.DebugLevel;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import dev.jalloc.internal.memory.OwnRegion;
import dev.jalloc.internal.memory.Unreachable;
import dev.jalloc.internal.memory.Usage;
import dev.jalloc.internal.memory.Region;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;

/**
 * Options for a new {@link Vec}, and the factories that make one of each kind. A builder can be reused; each
 * factory call makes a new vector owned by the calling thread.
 *
 * {@snippet :
 * try (LongVec offsets = Vec.builder().reserveSize(1L << 40).commitStep(16 << 20).ofLongs()) {
 *     offsets.add(0);
 * }
 * }
 */
public final class VecBuilder {
    private long reserveSize = Vec.DEFAULT_RESERVE_SIZE;
    private boolean reserveSizeSet;
    private long commitStep = Vec.DEFAULT_COMMIT_STEP;
    private boolean shared;
    private boolean populate = true;

    VecBuilder() {
    }

    /**
     * Sets the reservation: the address space held for the vector, which bounds its size (default
     * {@value Vec#DEFAULT_RESERVE_SIZE}); rounded up to the page size. It costs no memory, but a process has at
     * most 128 TiB of address space on x86-64 Linux, which is 2048 default reservations: without this call the
     * default reservation degrades to a smaller one when the OS refuses it (and {@link Vec#toString()} says so);
     * with it, such a refusal is an error.
     *
     * @param reserveSize the number of bytes
     * @return this builder
     * @throws IllegalArgumentException if not positive or above 2<sup>46</sup>
     */
    public VecBuilder reserveSize(long reserveSize) {
        this.reserveSize = Checks.checkPositiveByteSize("reserveSize", reserveSize);
        this.reserveSizeSet = true;
        return this;
    }

    /**
     * Sets the commit step: the largest single growth of the committed size, and the slack kept when shrinking
     * (default {@value Vec#DEFAULT_COMMIT_STEP}); rounded up to the page size. Larger steps mean fewer system
     * calls and more committed memory beyond the live elements.
     *
     * @param commitStep the number of bytes
     * @return this builder
     * @throws IllegalArgumentException if not positive or above 2<sup>46</sup>
     */
    public VecBuilder commitStep(long commitStep) {
        this.commitStep = Checks.checkPositiveByteSize("commitStep", commitStep);
        return this;
    }

    /**
     * Sets whether other threads may read and write elements (default: confined to the building thread). The
     * structure stays the owner's; see {@link Vec}.
     *
     * @param shared whether other threads may read and write the elements
     * @return this builder
     */
    public VecBuilder shared(boolean shared) {
        this.shared = shared;
        return this;
    }

    /**
     * Sets whether each commit maps its pages at once (default: yes, where the system can) rather than on first
     * touch. Appending writes every committed page soon, and mapping a step in one call is several times cheaper
     * than one page fault per page; turn it off for vectors that commit far ahead of what they write.
     *
     * @param populate whether commits map their pages at once
     * @return this builder
     */
    public VecBuilder populate(boolean populate) {
        this.populate = populate;
        return this;
    }

    /**
     * {@return a new empty vector of {@code int}s}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the reservation
     */
    public IntVec ofInts() {
        Region region = reserve(ValueLayout.JAVA_INT);
        return new IntVec(region, shared, commitStep);
    }

    /**
     * {@return a new empty vector of {@code long}s}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the reservation
     */
    public LongVec ofLongs() {
        Region region = reserve(ValueLayout.JAVA_LONG);
        return new LongVec(region, shared, commitStep);
    }

    /**
     * {@return a new empty vector of {@code double}s}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the reservation
     */
    public DoubleVec ofDoubles() {
        Region region = reserve(ValueLayout.JAVA_DOUBLE);
        return new DoubleVec(region, shared, commitStep);
    }

    /**
     * {@return a new empty vector whose element is {@code elementLayout}}
     *
     * @param elementLayout the layout of one element
     * @throws IllegalArgumentException          if the layout's size is zero or not a multiple of its alignment
     *                                           (it could not be an array element), its alignment is above the
     *                                           page size, or it is larger than the reservation
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the reservation
     */
    public LayoutVec of(MemoryLayout elementLayout) {
        checkElementLayout(elementLayout);
        Region region = reserve(elementLayout);
        return new LayoutVec(elementLayout, region, shared, commitStep);
    }

    /**
     * {@return the tail of {@code arena} for a vector of {@code elementLayout}}, aligned to the layout (at least 8
     * bytes).
     */
    static Region tailOf(LinearArena arena, MemoryLayout elementLayout) {
        checkElementLayout(elementLayout);
        return Region.Tails.take(arena, Math.max(8, elementLayout.byteAlignment()));
    }

    private static void checkElementLayout(MemoryLayout elementLayout) {
        long size = elementLayout.byteSize();
        long alignment = elementLayout.byteAlignment();
        if (size == 0 || size % alignment != 0) {
            throw Checks.illegalArgument("elementLayout", elementLayout,
                    "a non-zero byte size that is a multiple of its alignment");
        }
        long page = Os.current().pageSize();
        if (alignment > page) {
            throw Checks.illegalArgument("elementLayout.byteAlignment()", alignment, "<= the page size " + page);
        }
    }

    private Region reserve(MemoryLayout elementLayout) {
        Os os = Os.current();
        long reserved = Bits.alignUp(reserveSize, os.pageSize());   // what reserveSize says: rounded up to the page
        if (elementLayout.byteSize() > reserved) {
            throw Checks.illegalArgument("elementLayout.byteSize()", elementLayout.byteSize(),
                    "<= the reservation of " + reserved + " bytes (reserveSize " + reserveSize + ", rounded up to the page)");
        }
        return OwnRegion.reserve(os, reserveSize, os.pageSize(), !reserveSizeSet,
                Math.max(commitStep, elementLayout.byteSize()), populate, shared, new Usage(), "a vector",
                DebugLevel.fromSystemProperty() == DebugLevel.OFF ? null : Unreachable.site("a vector"));
    }
}
