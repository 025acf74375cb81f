package dev.jalloc.fuzz;

/**
 * The one place where the fuzzer stands down for bugs it found in jalloc and that are not fixed yet, so that the
 * rest of the API can still be fuzzed. Each flag names the bug, its reproducer is in docs/TESTING.md; set it to
 * {@code false} (or run with {@code -Djalloc.fuzz.knownBugs=false}) to see the bug fail the run again.
 */
final class KnownBugs {
    private static final boolean ON = !"false".equals(System.getProperty("jalloc.fuzz.knownBugs"));

    /**
     * {@code pushAddress}/{@code pushAddressNoInit} that link a new block return {@code oldBlockAddress + newOffset}
     * ({@code ArenaGrowth.pushAddress} reads {@code a.blockAddress} before {@code bump} moves to the new block): the
     * address lies in the previous block, over live pushes or past its end. The fuzzer then does not trust the
     * address (no fill, no overlap check) but still checks the position.
     */
    static final boolean PUSH_ADDRESS_ACROSS_BLOCKS = ON;

    /**
     * A vector on the tail of an arena whose commit step is not a power of two (a builder's {@code commitStep} is
     * rounded to the page only) reports a commit step other than the arena's ({@code Vec} rounds it with
     * {@code Bits.alignUp}, whose mask needs a power of two: 593920 becomes 1183744), against "its commit step is the
     * arena's" in {@code onTailOf}. The fuzzer then skips that one comparison.
     */
    static final boolean TAIL_COMMIT_STEP_NOT_POWER_OF_TWO = ON;

    /**
     * {@code VecBuilder.ofInts()/ofLongs()/ofDoubles()} throw {@link IllegalArgumentException} ("elementLayout.byteSize():
     * 8 (expected: <= reserveSize 7)") when the reservation asked for is smaller than one element, though their
     * javadoc documents only {@code OutOfNativeMemoryError} and {@code reserveSize} says it is rounded up to the page
     * (one page holds the element). {@code of(layout)} documents the refusal, but compares with the size before
     * rounding too. The fuzzer then accepts that exception.
     */
    static final boolean VEC_RESERVE_BELOW_ONE_ELEMENT = ON;

    /**
     * In checked mode, over caller memory that the caller has closed, closing a temp (and popping across blocks)
     * throws {@link IllegalStateException} from the poisoning after the temp was marked closed and the depth
     * decremented ({@code ArenaTemps.end} closes the scope, sets {@code closed}, decrements, then pops): a refused
     * call that changed the arena, and a temp that can never be closed again. The fuzzer then does not close the
     * caller's memory under checked arenas.
     */
    static final boolean CHECKED_POPS_OVER_CLOSED_CALLER_MEMORY = ON;

    /**
     * A {@code Heap} or {@code BestFitAllocator} on the tail of an arena over the caller's memory treats freed pages
     * it "purged" (on {@code trim()}, and the heap also on its own timed purges) as zero, but the caller's memory is
     * never purged ({@code Region.purge} returns false and nothing happens): a later {@code allocate} hands out the old
     * bytes unzeroed. The fuzzer then skips zero checks of allocators over caller memory.
     */
    static final boolean PURGE_ASSUMED_ON_CALLER_MEMORY = ON;

    /**
     * A {@code Heap} whose region is full refuses an allocation with {@code OutOfNativeMemoryError} after taking
     * slots for its cache: {@code liveAllocations()} and {@code liveBytes()} grow (206 -> 209 allocations, 27488 ->
     * 27584 bytes, in a 32 KiB heap), and stay too high after every payload is freed (3 allocations of 96 bytes that
     * nobody holds). The fuzzer then skips the unchanged check of a heap's refused-for-room calls and counts from
     * the heap's new numbers.
     */
    static final boolean HEAP_FULL_KEEPS_PHANTOM_ALLOCATIONS = ON;

    private KnownBugs() {
    }
}
