package dev.jalloc.fuzz;

import static dev.jalloc.fuzz.Draw.validAlign;
import static dev.jalloc.fuzz.Draw.validSize;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.arena.Scratch;
import dev.jalloc.arena.Temp;
import dev.jalloc.fuzz.Memory.Live;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives {@link Scratch}: temps begun with random conflicts (none, one or both of the thread's scratch arenas,
 * unrelated arenas), pushes on them, closes in and out of order and twice, {@code release()} with and without open
 * temps, and the same from the other thread (whose scratch arenas are its own; its closes of this thread's temps
 * must get {@link WrongThreadException}).
 */
final class ScratchDriver {
    /** An open scratch temp and what was pushed on it. */
    private record Open(Temp temp, long startPos, List<Live> lives) {
    }

    private final Fuzz fuzz;
    private final Draw d;
    /** This thread's scratch arenas seen so far, each with its stack of open temps (innermost first). */
    private final Map<LinearArena, Deque<Open>> arenas = new LinkedHashMap<>();
    private final List<Temp> closed = new ArrayList<>();

    ScratchDriver(Fuzz fuzz) {
        this.fuzz = fuzz;
        this.d = fuzz.draw;
    }

    void step(List<ArenaModel> others) {
        int r = d.nextInt(100);
        if (r < 25) {
            begin(others);
        } else if (r < 60) {
            push();
        } else if (r < 85) {
            end();
        } else if (r < 92) {
            release();
        } else if (r < 96) {
            fuzz.call("Scratch.committedBytes()", Expect.of(), Scratch::committedBytes);
        } else {
            fromOtherThread();
        }
    }

    private int openCount() {
        int n = 0;
        for (Deque<Open> q : arenas.values()) {
            n += q.size();
        }
        return n;
    }

    private void begin(List<ArenaModel> others) {
        if (openCount() > 16) {
            end();
            return;
        }
        List<Arena> conflicts = new ArrayList<>();
        for (LinearArena a : arenas.keySet()) {
            if (d.oneIn(2)) {
                conflicts.add(a);
            }
        }
        if (!others.isEmpty() && d.oneIn(3)) {
            conflicts.add(d.pick(others).arena);
        }
        boolean bothTaken = arenas.size() == Scratch.ARENAS_PER_THREAD && conflicts.containsAll(arenas.keySet());
        Arena[] given = conflicts.toArray(new Arena[0]);
        boolean varargs = given.length > 1 || d.oneIn(2);   // none or one: begin() or begin(Arena) half the time
        Temp[] out = new Temp[1];
        Expect e = Expect.of().when(bothTaken, IllegalStateException.class).may(OutOfNativeMemoryError.class);
        if (fuzz.call("Scratch.begin(" + conflicts.size() + " conflicts" + (varargs ? ", varargs)" : ")"), e,
                () -> out[0] = varargs ? Scratch.begin(given)
                        : given.length == 0 ? Scratch.begin() : Scratch.begin(given[0])) != null) {
            return;
        }
        LinearArena a = out[0].arena();
        Fuzz.check(!conflicts.contains(a), "Scratch.begin handed out a temp on a conflicting arena " + a);
        Deque<Open> stack = arenas.computeIfAbsent(a, k -> new ArrayDeque<>());
        Fuzz.check(arenas.size() <= Scratch.ARENAS_PER_THREAD && out[0].depth() == stack.size() + 1
                && out[0].startPos() == a.pos(), "Scratch.begin: " + out[0] + " with " + stack.size() + " open");
        stack.push(new Open(out[0], out[0].startPos(), new ArrayList<>()));
    }

    private Open pickInnermost() {
        List<Deque<Open>> stacks = new ArrayList<>();
        for (Deque<Open> q : arenas.values()) {
            if (!q.isEmpty()) {
                stacks.add(q);
            }
        }
        return stacks.isEmpty() ? null : d.pick(stacks).peek();
    }

    private void push() {
        Open o = pickInnermost();
        boolean stale = o == null || d.oneIn(20);
        if (stale && closed.isEmpty()) {
            begin(List.of());
            return;
        }
        Temp t = stale ? d.pick(closed) : o.temp;
        long size = d.size(1 << 20);
        long align = d.align();
        Expect e = Expect.of().when(stale, IllegalStateException.class)
                .when(!validSize(size) || !validAlign(align), IllegalArgumentException.class)
                .mayWhen(size > (1 << 20) || align > (1 << 16), OutOfNativeMemoryError.class);
        MemorySegment[] out = new MemorySegment[1];
        long before = stale ? 0 : t.arena().pos();
        String what = "scratch temp(depth " + t.depth() + (stale ? ", closed" : "") + ").allocate(" + size + ", "
                + align + ")";
        if (fuzz.call(what, e, () -> out[0] = t.allocate(size, align)) != null) {
            Fuzz.check(stale || t.arena().pos() == before, what + " was refused but moved the pos");
            return;
        }
        MemorySegment s = out[0];
        Fuzz.check(s.byteSize() == size && s.address() % align == 0, what + ": got " + s);
        long nz = fuzz.memory.nonZero(s, size, d, 4);
        Fuzz.check(nz < 0, what + ": not zeroed at +" + nz);
        Live l = new Live(s, size, d.fill());
        fuzz.memory.register(l, "scratch");
        Memory.fill(s, size, l.fill);
        o.lives.add(l);
    }

    private void end() {
        Open o = pickInnermost();
        if (o == null || d.oneIn(10)) {
            if (!closed.isEmpty()) {
                Temp t = d.pick(closed);
                fuzz.call("closed scratch temp(depth " + t.depth() + ").close()",
                        Expect.of().when(true, IllegalStateException.class), t::close);
            }
            return;
        }
        Deque<Open> stack = arenas.get(o.temp.arena());
        if (stack.size() > 1 && d.oneIn(8)) {
            Open outer = stack.peekLast();
            long pos = outer.temp.arena().pos();
            fuzz.call("scratch temp(depth " + outer.temp.depth() + ").close() out of order",
                    Expect.of().when(true, IllegalStateException.class), outer.temp::close);
            Fuzz.check(outer.temp.arena().pos() == pos, "an out-of-order scratch close moved the pos");
            return;
        }
        for (Live l : o.lives) {
            long m = Memory.mismatch(l.segment, l.size, l.fill);
            Fuzz.check(m < 0, "scratch push " + l + " changed at +" + m);
        }
        fuzz.call("scratch temp(depth " + o.temp.depth() + ").close()", Expect.of(), o.temp::close);
        Fuzz.check(o.temp.arena().pos() == o.startPos, "scratch temp close: pos " + o.temp.arena().pos()
                + ", expected " + o.startPos);
        stack.pop();
        for (Live l : o.lives) {
            fuzz.memory.unregister(l);
            fuzz.stale.offer(l.segment, "push of a closed scratch temp");
        }
        if (closed.size() < 8) {
            closed.add(o.temp);
        }
    }

    private void release() {
        boolean open = openCount() > 0;
        if (fuzz.call("Scratch.release()", Expect.of().when(open, IllegalStateException.class), Scratch::release)
                != null) {
            return;
        }
        arenas.clear();
        Fuzz.check(Scratch.committedBytes() == 0, "Scratch.release() left " + Scratch.committedBytes() + " bytes");
    }

    /** The other thread uses scratch memory of its own, and tries to close one of this thread's temps. */
    private void fromOtherThread() {
        Open o = pickInnermost();
        if (o != null && d.oneIn(2)) {
            fuzz.onOther(100);
            long pos = o.temp.arena().pos();
            fuzz.call("scratch temp(depth " + o.temp.depth() + ").close()", Expect.of().when(true,
                    WrongThreadException.class), o.temp::close);
            Fuzz.check(o.temp.arena().pos() == pos, "a refused scratch close moved the pos");
            return;
        }
        long size = d.nextInt(5000);
        boolean release = d.oneIn(3);
        fuzz.onOther(100);
        fuzz.call("Scratch.begin() + allocate(" + size + ") + close()" + (release ? " + release()" : ""), Expect.of(),
                () -> {
                    try (Temp t = Scratch.begin()) {
                        MemorySegment s = t.allocate(size, 8);
                        s.fill((byte) 7);
                    }
                    if (release) {
                        Scratch.release();
                    }
                });
    }
}
