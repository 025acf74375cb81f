package dev.jalloc.fuzz;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.arena.Temp;
import dev.jalloc.fuzz.Memory.Live;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The model of one {@link LinearArena}: its position, the stack of live pushes (each filled with one byte), the
 * positions never handed out between blocks, the open temps, and what holds its tail. A gap between blocks is
 * <em>exact</em> when the model knows where the next block starts (the push that moved there was aligned to at
 * most a page, so it starts at the block's first position); otherwise positions inside it may or may not have
 * been handed out, and either answer of {@code popTo} is accepted.
 */
final class ArenaModel {
    /** A temp as the model sees it. */
    static final class TempModel {
        final Temp temp;
        final long startPos;
        boolean closed;

        TempModel(Temp temp, long startPos) {
            this.temp = temp;
            this.startPos = startPos;
        }
    }

    /** Something on the arena's tail: a vector, heap or best-fit allocator. */
    interface TailHolder {
        /** The arena closed under it: the holder is closed too. */
        void takenAway();
    }

    final LinearArena arena;
    final String name;
    final boolean shared;
    final boolean checked;
    /** The caller's memory the arena was built over, its arena (null for heap or global memory), or null. */
    final MemorySegment callerMemory;
    final Arena callerArena;
    final boolean heapBacked;
    /** Whether pushes too large for the current block may fail: chaining off, or a fixed block. */
    boolean closed;
    long pos;
    final Deque<Live> lives = new ArrayDeque<>();
    /** gap start -> {gap end, 1 if exact}: positions strictly between were never handed out. */
    final TreeMap<Long, long[]> gaps = new TreeMap<>();
    final Deque<TempModel> temps = new ArrayDeque<>();
    final List<TempModel> closedTemps = new ArrayList<>();
    TailHolder tail;

    ArenaModel(LinearArena arena, String name, MemorySegment callerMemory, Arena callerArena) {
        this.arena = arena;
        this.name = name;
        this.shared = arena != null && arena.isShared();
        this.checked = arena != null && arena.isChecked();
        this.callerMemory = callerMemory;
        this.callerArena = callerArena;
        this.heapBacked = callerMemory != null && !callerMemory.isNative();
    }

    @Override
    public String toString() {
        return name;
    }

    boolean callerClosed() {
        return callerMemory != null && !callerMemory.scope().isAlive();
    }

    /** {@return whether the current block is the caller's memory} (an observer, not counted as a call) */
    boolean inCallerBlock() {
        return callerMemory != null && arena.blockCount() == 1;
    }

    /** The observable state that a refused call must leave unchanged. */
    long[] observe() {
        return new long[] {closed ? -1 : arena.pos(), arena.committedBytes(), arena.reservedBytes(),
                arena.blockCount(), arena.autoAlign(), arena.isChaining() ? 1 : 0};
    }

    /** {@return 1 if {@code p} lies in an exact gap, 2 in an inexact one, 0 if it was handed out} */
    int inGap(long p) {
        Map.Entry<Long, long[]> g = gaps.lowerEntry(p);
        if (g == null || g.getValue()[0] <= p) {
            return 0;
        }
        return g.getValue()[1] == 1 ? 1 : 2;
    }

    /** The position moved to {@code p} by a pop, clear or temp's end: drops what lies above. */
    void dropAbove(Fuzz fuzz, long p) {
        Map.Entry<Long, long[]> g = gaps.lowerEntry(p);
        gaps.tailMap(p, true).clear();
        if (g != null && g.getValue()[0] > p) {
            g.getValue()[0] = p;   // popped into an inexact gap: what is left of it stays inexact
            g.getValue()[1] = 0;
        }
        while (!lives.isEmpty() && lives.peek().pos + lives.peek().size > p) {
            forget(fuzz, lives.pop(), "popped push of " + name);   // one cut by the pop too: its bytes above p are gone
        }
        pos = p;
    }

    /** A push the model tracks: registered as live memory, filled with a fresh byte. */
    void admit(Fuzz fuzz, Live l) {
        fuzz.memory.register(l, name);
        byte b = fuzz.draw.fill();
        l.fill = b;
        Memory.fill(l.segment, l.size, b);
        lives.push(l);
    }

    void forget(Fuzz fuzz, Live l, String why) {
        fuzz.memory.unregister(l);
        if (l.jallocSegment) {
            fuzz.stale.offer(l.segment, why);
        }
    }

    /** The arena closed: everything it handed out is gone (slices of the caller's memory stay the caller's). */
    void closed(Fuzz fuzz) {
        closed = true;
        while (!lives.isEmpty()) {
            forget(fuzz, lives.pop(), "push of closed " + name);
        }
        gaps.clear();
        for (TempModel t : temps) {
            t.closed = true;
            closedTemps.add(t);
        }
        temps.clear();
        if (tail != null) {
            TailHolder h = tail;
            tail = null;
            h.takenAway();
        }
    }

    void verifyLive(Fuzz fuzz, Live l, String when) {
        if (l.size == 0 || !l.accessible()) {
            return;   // a checked temp's segment after its temp closed, or the caller's closed memory
        }
        long m = Memory.mismatch(l.segment, l.size, l.fill);
        if (m >= 0) {
            throw new Violation(name + ": live push " + l + " at pos " + l.pos + " changed at byte " + m + " ("
                    + when + "): " + l.segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, m));
        }
    }

    void verifySome(Fuzz fuzz, int n) {
        int i = 0;
        for (Live l : lives) {
            if (i++ >= n) {
                break;
            }
            verifyLive(fuzz, l, "sample");
        }
    }

    void verifyAll(Fuzz fuzz) {
        for (Live l : lives) {
            verifyLive(fuzz, l, "full check");
        }
    }

    /** {@return the innermost open temp, or null} */
    TempModel innermost() {
        return temps.peek();
    }
}
