package dev.jalloc.heap;

import dev.jalloc.DebugLevel;
import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Checks;
import java.util.Objects;

/**
 * Configures a {@link BestFitAllocator}, with the vocabulary of every jalloc builder: {@code reserveSize} (address
 * space), {@code commitStep} (how far the committed part grows at a time), and where the memory comes from.
 *
 * {@snippet :
 * BestFitAllocator fit = BestFitAllocator.builder()
 *         .reserveSize(1L << 30)     // 1 GiB of address space
 *         .commitStep(1 << 20)       // committed 1 MiB at a time
 *         .build();
 * }
 */
public final class BestFitBuilder {
    private long reserveSize = BestFitAllocator.DEFAULT_RESERVE_SIZE;
    private boolean reserveSizeSet;
    private long commitStep = BestFitAllocator.DEFAULT_COMMIT_STEP;
    private LinearArena arena;

    /** Null: the system property's level, read when built. */
    private DebugLevel debugLevel;

    BestFitBuilder() {
    }

    /**
     * Sets the address space of the allocator's own reservation (rounded up to the page). Without it the default
     * reservation degrades to a smaller one when the OS refuses that much address space; with it, such a refusal
     * is an error.
     *
     * @param byteSize the number of bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code byteSize} is not positive or above
     *                                  {@value BestFitAllocator#DEFAULT_RESERVE_SIZE}
     */
    public BestFitBuilder reserveSize(long byteSize) {
        Checks.checkPositiveByteSize("reserveSize", byteSize);
        if (byteSize > BestFitAllocator.DEFAULT_RESERVE_SIZE) {
            throw Checks.illegalArgument("reserveSize", byteSize, "<= " + BestFitAllocator.DEFAULT_RESERVE_SIZE);
        }
        this.reserveSize = byteSize;
        this.reserveSizeSet = true;
        return this;
    }

    /**
     * Sets how far the committed part grows beyond what an allocation needs (rounded up to the page).
     *
     * @param byteSize the number of bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code byteSize} is not positive or above 2<sup>46</sup>
     */
    public BestFitBuilder commitStep(long byteSize) {
        this.commitStep = Checks.checkPositiveByteSize("commitStep", byteSize);
        return this;
    }

    /**
     * Puts the allocator on the tail of {@code arena} instead of a reservation of its own (see
     * {@link BestFitAllocator#onTailOf}); the commit step is then at least the arena's.
     *
     * @param arena the arena to take the tail of
     * @return this builder
     */
    public BestFitBuilder onTailOf(LinearArena arena) {
        this.arena = Objects.requireNonNull(arena, "arena");
        return this;
    }

    /**
     * Sets what the allocator watches of itself: leak reports, allocation sites, invariant walks (see {@link
     * DebugLevel}). Without it, the level the system property {@value DebugLevel#PROPERTY} names, {@code off} if none.
     *
     * @param level the debug level
     * @return this builder
     */
    public BestFitBuilder debug(DebugLevel level) {
        this.debugLevel = Objects.requireNonNull(level, "level");
        return this;
    }

    /**
     * {@return a new allocator, confined to the calling thread}
     *
     * @throws OutOfNativeMemoryError        if the OS refuses the reservation, or the arena's block has no room
     * @throws IllegalStateException         if the arena is closed or already lends its tail
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws UnsupportedOperationException if the arena is over heap memory
     */
    public BestFitAllocator build() {
        DebugLevel level = debugLevel != null ? debugLevel : DebugLevel.fromSystemProperty();
        if (arena != null) {
            long step = Math.max(commitStep, arena.commitStep());
            return Regions.build(Regions.tail(arena), region -> new BestFitAllocator(region, step, level));
        }
        Region region = Regions.own(Os.current(), reserveSize, !reserveSizeSet, commitStep, false,
                "a best-fit allocator", level);
        return Regions.build(region, r -> new BestFitAllocator(r, commitStep, level));
    }
}
