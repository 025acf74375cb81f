package dev.jalloc.fuzz;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.fuzz.Memory.Live;
import dev.jalloc.heap.Heap;
import dev.jalloc.vector.Vec;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Both threads at once on shared objects. A shared arena: both push and fill, then every push must be aligned,
 * intact and apart from every other, and a pop back to where the race began restores the arena. A shared vector:
 * the other thread gets and sets elements while the owner appends and removes; afterwards the vector must be
 * consistent (the model reads it back, since which write won is unknown). A shared heap: both threads allocate
 * and fill, each frees a share of the other's payloads while it works, and then both free the same payloads at
 * once (some of the model's too): every payload must be freed exactly once, the loser of each pair refused, and
 * the heap's counts and invariants must match the model afterwards. Closing a shared arena from the other thread
 * while something lives on its tail is {@link ArenaDriver#close}'s.
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

    /** Both threads allocate, free each other's payloads, and free the same payloads at once on {@code m}. */
    void heapFrees(AllocModel m) {
        Heap heap = (Heap) m.alloc;
        int n = 20 + d.nextInt(300);
        long seed = d.nextLong();
        fuzz.note(m + ": both threads allocate " + n + " payloads, free each other's, then race double frees");
        long[] mine = new long[n];
        long[] theirs = new long[n];
        long[] mySizes = new long[n];
        long[] theirSizes = new long[n];
        // Phase 1: allocate and fill; the other thread frees every third of ours as soon as it sees it.
        AtomicIntegerArray published = new AtomicIntegerArray(n);
        AtomicIntegerArray freedByOther = new AtomicIntegerArray(n);
        Future<?> f = fuzz.other.start(() -> {
            SplittableRandom r = new SplittableRandom(seed);
            allocateSome(heap, r, theirs, theirSizes, (byte) 0x3C);
            for (int i = 0; i < n; i += 3) {
                while (published.get(i) == 0) {
                    Thread.onSpinWait();
                }
                if (mine[i] == 0) {
                    continue;   // this thread's allocation failed (the heap is full)
                }
                long mm = Memory.mismatch(Memory.at(mine[i], mySizes[i]), mySizes[i], (byte) 0x5A);
                if (mm >= 0) {
                    throw new Violation(m + ": payload 0x" + Long.toHexString(mine[i]) + " changed at +" + mm
                            + " before the other thread freed it");
                }
                heap.free(mine[i]);
                freedByOther.set(i, 1);
            }
        });
        Throwable here = null;
        try {
            SplittableRandom r = new SplittableRandom(~seed);
            for (int i = 0; i < n; i++) {
                long size = 1 + r.nextInt(r.nextInt(10) == 0 ? 100_000 : 2000);
                mine[i] = heap.allocateAddressNoInit(size, 16);
                mySizes[i] = size;
                Memory.fill(Memory.at(mine[i], size), size, (byte) 0x5A);
                published.set(i, 1);
            }
        } catch (Throwable t) {
            here = t;
            for (int i = 0; i < n; i++) {
                published.set(i, 1);   // let the other thread finish; its frees then fail and are reported
            }
        }
        Throwable there = OtherThread.join(f);
        fuzz.calls += 3L * n;
        for (Throwable t : new Throwable[] {here, there}) {
            if (t != null && !(t instanceof OutOfNativeMemoryError)) {
                throw new Violation(m + ": allocations and cross-thread frees failed: " + t, t);
            }
        }
        if (here != null || there != null) {
            for (int i = 0; i < n; i++) {   // the heap filled up: free what was made, and leave the race
                if (mine[i] != 0 && freedByOther.get(i) == 0) {
                    heap.free(mine[i]);
                }
                if (theirs[i] != 0) {
                    heap.free(theirs[i]);
                }
            }
            m.checkCounts();
            return;
        }
        // Phase 2: everything still live (ours, theirs, and a few of the model's) freed by both threads at once.
        List<Long> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (freedByOther.get(i) == 0) {
                targets.add(mine[i]);
            }
            long mm = Memory.mismatch(Memory.at(theirs[i], theirSizes[i]), theirSizes[i], (byte) 0x3C);
            Fuzz.check(mm < 0, m + ": the other thread's payload 0x" + Long.toHexString(theirs[i]) + " changed at +"
                    + mm);
            targets.add(theirs[i]);
        }
        List<Long> fromModel = new ArrayList<>();
        for (int k = d.nextInt(4); k > 0 && !m.lives.isEmpty(); k--) {
            Live l = m.any(d);
            if (!fromModel.contains(l.address)) {
                fromModel.add(l.address);
            }
        }
        targets.addAll(fromModel);
        java.util.Collections.shuffle(targets, new java.util.Random(seed));
        AtomicIntegerArray wins = new AtomicIntegerArray(targets.size());
        Future<?> g = fuzz.other.start(() -> freeAll(heap, targets, wins));
        Throwable mineT = null;
        try {
            freeAll(heap, targets, wins);
        } catch (Throwable t) {
            mineT = t;
        }
        Throwable theirT = OtherThread.join(g);
        fuzz.calls += 2L * targets.size();
        if (mineT != null || theirT != null) {
            throw new Violation(m + ": racing frees threw something other than IllegalArgumentException: "
                    + (mineT != null ? mineT : theirT), mineT != null ? mineT : theirT);
        }
        for (int i = 0; i < targets.size(); i++) {
            Fuzz.check(wins.get(i) == 1, m + ": payload 0x" + Long.toHexString(targets.get(i)) + " was freed "
                    + wins.get(i) + " times by two racing frees");
        }
        for (long a : fromModel) {
            Live l = m.lives.get(a);
            m.remove(a);
            if (l.jallocSegment) {
                fuzz.stale.offer(l.segment, "payload of " + m + " freed by a race", m.staleWritable());
            }
        }
        m.checkCounts();
        fuzz.calls++;
        heap.check();
    }

    private static void allocateSome(Heap heap, SplittableRandom r, long[] out, long[] sizes, byte fill) {
        for (int i = 0; i < out.length; i++) {
            long size = 1 + r.nextInt(r.nextInt(10) == 0 ? 100_000 : 2000);
            out[i] = heap.allocateAddressNoInit(size, 16);
            sizes[i] = size;
            Memory.fill(Memory.at(out[i], size), size, fill);
        }
    }

    private static void freeAll(Heap heap, List<Long> targets, AtomicIntegerArray wins) {
        for (int i = 0; i < targets.size(); i++) {
            try {
                heap.free(targets.get(i));
                wins.incrementAndGet(i);
            } catch (IllegalArgumentException lost) {
                // the other thread's free won
            }
        }
    }
}
