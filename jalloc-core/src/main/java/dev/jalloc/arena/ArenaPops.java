package dev.jalloc.arena;

import dev.jalloc.internal.arena.Block;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import java.lang.foreign.MemorySegment;

/**
 * The slow paths that move an arena's position back ({@code popTo}, {@code pop}, {@code clear}, temps' ends) and
 * {@code trim}: the one check that a position is one the arena handed out, the pops across blocks, the purges above
 * the retained bytes, and checked mode's poison. Every method runs under the arena's lock and checks before it
 * changes anything.
 */
final class ArenaPops {
    private ArenaPops() {
    }

    /**
     * Moves the position back to {@code pos}.
     *
     * @throws IndexOutOfBoundsException if {@code pos} is not a position the arena handed out: negative, above the
     *                                   current position, or in a block's unused reservation
     */
    static void popTo(LinearArena a, long pos, String what) {
        a.lock();
        try {
            a.ensureUsable();
            a.ensureTailFree(what);
            checkHandedOut(a, pos, "pos");
            popToHandedOut(a, pos);
        } finally {
            a.unlock();
        }
    }

    /** Moves the position back by {@code byteSize}: to {@code pos() - byteSize}, which must have been handed out. */
    static void pop(LinearArena a, long byteSize) {
        a.lock();
        try {
            a.ensureUsable();
            a.ensureTailFree("pop");
            long now = a.current.basePos + a.offset;
            if (byteSize > now) {
                throw Checks.outOfBounds("byteSize", byteSize, "at most the current pos " + now);
            }
            checkHandedOut(a, now - byteSize, "pos() - byteSize");
            popToHandedOut(a, now - byteSize);
        } finally {
            a.unlock();
        }
    }

    private static void checkHandedOut(LinearArena a, long pos, String name) {
        long now = a.current.basePos + a.offset;
        if (pos < 0 || pos > now) {
            throw Checks.outOfBounds(name, pos, "between 0 and the current pos " + now);
        }
        if (!a.chain.isHandedOut(pos, a.offset)) {
            throw Checks.outOfBounds(name, pos, "a position this arena handed out; " + pos
                    + " lies in the unused reservation of a block below the current pos " + now);
        }
    }

    /** Moves the position back to {@code pos}, a position handed out (checked by the caller). */
    static void popToHandedOut(LinearArena a, long pos) {
        ArenaGrowth.save(a);
        a.chain.popTo(pos, a.checked ? (block, from, to) -> poison(a, block, from, to) : null);
        ArenaGrowth.load(a, a.chain.current());
    }

    /**
     * {@return the position a temp begun at {@code startPos} goes back to}: its start, or if everything down to
     * there was popped and later pushes went into a newer block, the highest position handed out below its start.
     */
    static long tempTarget(LinearArena a, long startPos) {
        long now = a.current.basePos + a.offset;
        return a.chain.handedOutAtOrBelow(Math.min(startPos, now), a.offset);
    }

    /**
     * Gives back the memory nothing holds: spare blocks and the pages above the position are purged, whatever
     * {@code retainBytes} says. Addresses stay reserved until close.
     */
    static void trim(LinearArena a) {
        a.lock();
        try {
            a.ensureUsable();
            a.ensureTailFree("trim");
            ArenaGrowth.save(a);
            long before = a.source.committedBytes();
            a.chain.trim();
            ArenaGrowth.load(a, a.chain.current());
            System.getLogger("dev.jalloc.arena").log(System.Logger.Level.DEBUG, "arena trim: committed {0} -> {1}",
                    Bits.bytes(before), Bits.bytes(a.source.committedBytes()));
        } finally {
            a.unlock();
        }
    }

    /**
     * Fills popped bytes with {@link LinearArena#POISON} (checked mode). The caller's memory, once the caller closed
     * it, is left alone: no segment can reach it any more, and a pop must not fail half-way over it.
     */
    private static void poison(LinearArena a, Block block, long from, long to) {
        MemorySegment memory = a.segmentOf(block);
        if (memory.scope().isAlive()) {
            memory.asSlice(from, to - from).fill(LinearArena.POISON);
        }
    }
}
