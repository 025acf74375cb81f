package dev.jalloc.arena;

import dev.jalloc.internal.memory.Unreachable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * The slow paths of temps: beginning one on a shared, checked or closed arena, ending one out of order, twice, or
 * across blocks, and checked mode, where every temp gets a lifetime of its own for the segments pushed while it is
 * the innermost one (ended when it closes, so a stale segment throws). Unchecked temps are not linked into the arena:
 * the arena counts open temps, which is all the out-of-order check needs, so a temp begun and closed in one method
 * does not escape and the JIT removes its allocation.
 */
final class ArenaTemps {
    private ArenaTemps() {
    }

    static Temp begin(LinearArena a) {
        a.lock();
        try {
            a.ensureUsable();
            a.ensureTailFree("temp");
            Arena scope = a.checked ? (a.owner == null ? Arena.ofShared() : Arena.ofConfined()) : null;
            if (scope != null) {
                keepReachable(scope, a.scopeArena);
            }
            Temp temp = new Temp(a, a.current.basePos + a.offset, a.tempDepth + 1, a.checkedTop, scope);
            a.tempDepth++;
            if (a.checked) {
                a.checkedTop = temp;
            }
            return temp;
        } finally {
            a.unlock();
        }
    }

    /**
     * Makes the arena's own lifetime reachable from a checked temp's: a segment of the temp keeps the arena's memory
     * from the cleaner that gives back the memory of an arena nobody can reach ({@link Unreachable}). One resource
     * in the temp's scope (an empty segment whose cleanup holds the arena's), run and dropped when the temp ends.
     */
    @SuppressWarnings("restricted")   // an empty segment at address 0: nothing is read or written through it
    private static void keepReachable(Arena temp, Arena arena) {
        MemorySegment.NULL.reinterpret(0, temp, ignored -> Reference.reachabilityFence(arena));
    }

    static void end(LinearArena a, Temp temp) {
        a.lock();
        try {
            if (temp.closed) {
                throw temp.alreadyClosed();
            }
            a.ensureUsable();
            a.ensureTailFree("closing a temp");
            if (temp.depth() != a.tempDepth) {
                throw new IllegalStateException("temp closed out of order: this temp (depth " + temp.depth()
                        + ", begun at pos " + temp.startPos() + ") is not the innermost open one; close the temp of"
                        + " depth " + a.tempDepth + " first");
            }
            long target = ArenaPops.tempTarget(a, temp.startPos());
            if (temp.scope != null) {
                temp.scope.close();   // may throw (a segment of it in use by a downcall): nothing changed yet
            }
            temp.closed = true;
            a.tempDepth--;
            if (a.checked) {
                a.checkedTop = temp.parent;
            }
            ArenaPops.popToHandedOut(a, target);
        } finally {
            a.unlock();
        }
    }

    /**
     * Ends the lifetime of every open checked temp, innermost first, when the arena closes. {@return the failures of
     * scopes that a downcall is using right now (their memory must then stay mapped), or {@code null}}
     */
    static RuntimeException closeAll(LinearArena a) {
        RuntimeException failure = null;
        while (a.checkedTop != null) {
            Temp temp = a.checkedTop;
            try {
                temp.scope.close();
            } catch (IllegalStateException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            temp.closed = true;
            a.checkedTop = temp.parent;
        }
        a.tempDepth = 0;
        return failure;
    }
}
