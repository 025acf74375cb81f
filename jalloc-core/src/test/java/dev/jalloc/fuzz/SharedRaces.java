package dev.jalloc.fuzz;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.fuzz.Memory.Live;
import dev.jalloc.vector.Vec;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Future;

/**
 * Both threads at once on shared objects. A shared arena: both push and fill, then every push must be aligned,
 * intact and apart from every other, and a pop back to where the race began restores the arena. A shared vector:
 * the other thread gets and sets elements while the owner appends and removes; afterwards the vector must be
 * consistent (the model reads it back, since which write won is unknown). Closing a shared arena from the other
 * thread while something lives on its tail is {@link ArenaDriver#close}'s.
 */
final class SharedRaces {
    private final Fuzz fuzz;
    private final Draw d;

    SharedRaces(Fuzz fuzz) {
        this.fuzz = fuzz;
        this.d = fuzz.draw;
    }

    /** Pushes from both threads at once on {@code m}, a shared open arena with a free tail. */
    void pushes(ArenaModel m) {
        long start = m.pos;
        int n = 20 + d.nextInt(200);
        long seed = d.nextLong();
        List<MemorySegment> mine = new ArrayList<>();
        List<MemorySegment> theirs = new ArrayList<>();
        fuzz.note(m + ": both threads push " + n + " times");
        Future<?> f = fuzz.other.start(() -> pushSome(m, new SplittableRandom(seed), n, theirs, (byte) 0x3C));
        Throwable here = null;
        try {
            pushSome(m, new SplittableRandom(~seed), n, mine, (byte) 0x5A);
        } catch (Throwable t) {
            here = t;
        }
        Throwable there = OtherThread.join(f);
        fuzz.calls += 2L * n;
        for (Throwable t : new Throwable[] {here, there}) {
            if (t != null) {
                throw new Violation(m + ": a push raced with the other thread's failed: " + t, t);
            }
        }
        List<Live> all = new ArrayList<>();
        for (List<MemorySegment> list : List.of(mine, theirs)) {
            byte fill = list == mine ? (byte) 0x5A : (byte) 0x3C;
            for (MemorySegment s : list) {
                Fuzz.check(s.address() % 8 == 0, m + ": raced push misaligned: " + s);
                long bad = Memory.mismatch(s, s.byteSize(), fill);
                Fuzz.check(bad < 0, m + ": raced push " + s + " changed at +" + bad);
                Live l = new Live(s, s.byteSize(), fill);
                fuzz.memory.register(l, m + " (raced push)");
                all.add(l);
            }
        }
        all.forEach(fuzz.memory::unregister);
        fuzz.calls++;
        m.arena.popTo(start);
        Fuzz.check(m.arena.pos() == start, m + ": popTo after the race: pos " + m.arena.pos() + ", expected " + start);
        m.dropAbove(fuzz, start);
        m.verifyAll(fuzz);
    }

    private static void pushSome(ArenaModel m, SplittableRandom random, int n, List<MemorySegment> out, byte fill) {
        for (int i = 0; i < n; i++) {
            MemorySegment s;
            try {
                s = m.arena.push(random.nextInt(200), 8);
            } catch (OutOfNativeMemoryError full) {
                return;   // a fixed arena filled up: documented, and nothing changed
            }
            s.fill(fill);
            out.add(s);
        }
    }

    /** The other thread reads and writes elements of {@code m} (shared, of a primitive kind) while this one changes it. */
    void elements(VecModel m, VecDriver driver) {
        int n = 50 + d.nextInt(500);
        long seed = d.nextLong();
        long size0 = m.size;
        Vec v = m.vec;
        fuzz.note(m + ": element accesses race with " + n + " structural changes");
        Future<?> f = fuzz.other.start(() -> {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < n; i++) {
                long index = r.nextLong(size0 + 2);
                try {
                    if (r.nextBoolean()) {
                        VecModel.value(v, index);
                    } else {
                        VecCalls.set(v, index, r.nextInt());
                    }
                } catch (IndexOutOfBoundsException shrunk) {
                    // documented: the index is outside [0, size()) as seen at that moment
                }
            }
        });
        Throwable here = null;
        try {
            for (int i = 0; i < n; i++) {
                long size = v.size();
                if (d.oneIn(2) || size == 0) {
                    VecCalls.add(v, driver.value(m));
                } else if (d.oneIn(2)) {
                    VecCalls.removeLast(v);
                } else {
                    VecCalls.set(v, d.nextLong(size), driver.value(m));
                }
            }
        } catch (Throwable t) {
            here = t;
        }
        Throwable there = OtherThread.join(f);
        fuzz.calls += 2L * n;
        for (Throwable t : new Throwable[] {here, there}) {
            if (t != null && !(t instanceof OutOfNativeMemoryError)) {
                throw new Violation(m + ": an element access raced with structural changes failed: " + t, t);
            }
        }
        m.resync();
        m.verify(fuzz, 0, "after the race");
    }
}
