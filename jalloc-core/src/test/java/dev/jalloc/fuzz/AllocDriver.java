package dev.jalloc.fuzz;

import static dev.jalloc.fuzz.Draw.validAlign;
import static dev.jalloc.fuzz.Draw.validSize;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.fuzz.Memory.Live;
import dev.jalloc.heap.AddressAllocator;
import dev.jalloc.heap.BestFitAllocator;
import dev.jalloc.heap.Hardening;
import dev.jalloc.heap.Heap;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Drives {@link Heap} and {@link BestFitAllocator} through {@link AddressAllocator}: allocations of every verb with
 * sizes and alignments around every boundary, frees and resizes of live, freed, interior, foreign and absurd
 * addresses, usable sizes, trims, invariant checks and statistics, from either thread. Builds them with their own
 * reservations (valid and invalid sizes) and on arenas' tails.
 */
final class AllocDriver {
    /** Above this many live bytes the driver frees more than it allocates. */
    private static final long CROWDED = 48L << 20;

    private final Fuzz fuzz;
    private final Draw d;
    private int made;

    AllocDriver(Fuzz fuzz) {
        this.fuzz = fuzz;
        this.d = fuzz.draw;
    }

    // ---- building ----

    /** {@return a heap or best-fit allocator with its own reservation, or null if the build was refused} */
    AllocModel build() {
        boolean heap = fuzz.hardenedFocus ? !d.oneIn(8) : d.oneIn(2);
        boolean shared = heap && d.oneIn(2);
        String name = (shared ? "sharedHeap" : heap ? "heap" : "bestFit") + made++;
        AddressAllocator[] out = new AddressAllocator[1];
        long max = heap ? Heap.MAX_RESERVE_SIZE : BestFitAllocator.DEFAULT_RESERVE_SIZE;
        int how = d.nextInt(10);
        if (how == 0 && !fuzz.hardenedFocus) {
            name += "(create())";
            fuzz.call(name, Expect.of().may(OutOfNativeMemoryError.class),
                    () -> out[0] = shared ? Heap.ofShared() : heap ? Heap.create() : BestFitAllocator.create());
        } else {
            long reserve = d.builderSize(64 << 10, 64 << 20);
            boolean bad = reserve <= 0 || reserve > max;
            if (!bad && reserve > (1L << 40) && !d.oneIn(4)) {
                reserve = 1 << 20;
            }
            long r = reserve;
            name += "(reserve " + r + ")";
            Expect e = Expect.of().when(bad, IllegalArgumentException.class).may(OutOfNativeMemoryError.class);
            Hardening hardening = heap && (fuzz.hardenedFocus || d.oneIn(2))
                    ? Hardening.values()[1 + d.nextInt(Hardening.values().length - 1)] : Hardening.NONE;
            boolean lifetimes = heap && d.oneIn(4);
            if (hardening != Hardening.NONE || lifetimes) {
                name += "[" + hardening + (lifetimes ? ", checked lifetimes" : "") + "]";
            }
            if (shared) {
                fuzz.call(name, e, () -> out[0] = Heap.builder().shared(true).reserveSize(r).hardening(hardening)
                        .checkedLifetimes(lifetimes).build());
            } else if (heap) {
                fuzz.call(name, e, () -> out[0] = how < 5 && hardening == Hardening.NONE && !lifetimes
                        ? Heap.create(r)
                        : Heap.builder().reserveSize(r).hardening(hardening).checkedLifetimes(lifetimes).build());
            } else {
                long step = d.builderSize(4096, 1 << 20);
                boolean badStep = step <= 0 || step > Draw.MAX_SIZE;
                name = name.substring(0, name.length() - 1) + ", step " + step + ")";
                e.when(badStep, IllegalArgumentException.class);
                fuzz.call(name, e, () -> out[0] = BestFitAllocator.builder().reserveSize(r).commitStep(step).build());
            }
        }
        return out[0] == null ? null : made(new AllocModel(out[0], name, null, fuzz.memory));
    }

    private AllocModel made(AllocModel m) {
        m.checkCounts();
        Fuzz.check(m.lives.isEmpty() && m.alloc.reservedBytes() > 0, m + ": new " + m.alloc);
        return m;
    }

    /** {@return a heap or best-fit allocator on the tail of {@code a}, or null if that was (rightly) refused} */
    AllocModel onTail(ArenaModel a) {
        boolean heap = d.oneIn(2);
        boolean shared = heap && d.oneIn(3);
        String name = (shared ? "sharedHeap" : heap ? "heap" : "bestFit") + made++ + "(on " + a + ")";
        boolean nul = d.oneIn(40);
        boolean hardened = !nul && heap && !shared && d.oneIn(20);   // refused: a hardened heap needs its own memory
        boolean other = !a.shared && fuzz.onOther(5);
        boolean callerBlock = !a.closed && a.inCallerBlock();
        Expect e = nul ? Expect.of().when(true, NullPointerException.class)
                : hardened ? Expect.of().when(true, IllegalArgumentException.class) : shared && !a.shared
                ? Expect.of().when(true, IllegalArgumentException.class) : Expect.of()
                .when(a.closed || a.tail != null, IllegalStateException.class)
                .when(other, WrongThreadException.class)
                .when(callerBlock && a.callerClosed(), IllegalStateException.class)
                .when(!a.closed && a.heapBacked && callerBlock, UnsupportedOperationException.class)
                .may(OutOfNativeMemoryError.class);
        long[] before = a.observe();
        AddressAllocator[] out = new AddressAllocator[1];
        Throwable t = fuzz.call(nul ? name + " onTailOf(null)" : name, e, () -> {
            if (nul) {
                out[0] = heap ? Heap.builder().onTailOf(null).build() : BestFitAllocator.builder().onTailOf(null).build();
            } else if (hardened) {
                out[0] = Heap.builder().onTailOf(a.arena).hardening(Hardening.STANDARD).build();
            } else if (shared) {
                out[0] = Heap.builder().onTailOf(a.arena).shared(true).build();
            } else if (d.oneIn(2)) {
                out[0] = heap ? Heap.onTailOf(a.arena) : BestFitAllocator.onTailOf(a.arena);
            } else {
                out[0] = heap ? Heap.builder().onTailOf(a.arena).build()
                        : BestFitAllocator.builder().commitStep(4096).onTailOf(a.arena).build();
            }
        });
        if (t != null) {
            Fuzz.unchanged(name, t, before, a.observe());
            return null;
        }
        AllocModel m = made(new AllocModel(out[0], name, a, fuzz.memory));
        m.overCallerMemory = callerBlock;
        a.tail = m;
        return m;
    }

    // ---- operations ----

    private Expect base(AllocModel m, boolean other) {
        return Expect.of().when(m.closed, IllegalStateException.class)
                .when(other && !m.shared, WrongThreadException.class);
    }

    private boolean run(AllocModel m, String what, Expect e, Fuzz.Body body) {
        long[] before = m.observe();
        Throwable t = fuzz.call(m + "." + what, e, body);
        if (t != null) {
            Fuzz.unchanged(m + "." + what, t, before, m.observe());
            return false;
        }
        return true;
    }

    void step(AllocModel m, List<AllocModel> all, List<ArenaModel> arenas) {
        int r = d.nextInt(100);
        long live = m.closed ? 0 : m.usableSum;
        if (live > CROWDED && r < 50) {
            r = 40 + r % 20;
        }
        if (r < 40) {
            allocate(m);
        } else if (r < 62) {
            free(m, all, arenas);
        } else if (r < 74) {
            reallocate(m);
        } else if (r < 80) {
            usableSize(m);
        } else if (r < 82) {
            trimOrCheck(m, true);
        } else if (r < 86) {
            trimOrCheck(m, false);
        } else if (r < 92) {
            observe(m);
        } else {
            verify(m, 6);
        }
    }

    private void allocate(AllocModel m) {
        int verb = d.nextInt(5);
        long size = d.size(4 << 20);
        long align = verb == 4 ? 1 : d.align();
        boolean other = fuzz.onOther(3);
        boolean zero = verb == 0 || verb == 2 || verb == 4;
        boolean bigAsk = size > (1 << 20) || align > (1 << 16) || m.alloc.reservedBytes() < (256 << 20);
        Expect e = base(m, other).when(!validSize(size) || !validAlign(align), IllegalArgumentException.class)
                .mayWhen(bigAsk || m.arena != null, OutOfNativeMemoryError.class);
        String[] names = {"allocate", "allocateNoInit", "allocateAddress", "allocateAddressNoInit", "allocate"};
        String what = names[verb] + "(" + size + (verb == 4 ? "" : ", " + align) + ")";
        MemorySegment[] seg = new MemorySegment[1];
        long[] addr = new long[1];
        if (!run(m, what, e, () -> {
            switch (verb) {
                case 0 -> seg[0] = m.alloc.allocate(size, align);
                case 1 -> seg[0] = m.alloc.allocateNoInit(size, align);
                case 2 -> addr[0] = m.alloc.allocateAddress(size, align);
                case 3 -> addr[0] = m.alloc.allocateAddressNoInit(size, align);
                default -> seg[0] = m.alloc.allocate(size);
            }
        })) {
            return;
        }
        boolean address = verb == 2 || verb == 3;
        MemorySegment s = address ? Memory.at(addr[0], size) : seg[0];
        Fuzz.check(s.byteSize() == size, m + "." + what + ": segment of " + s.byteSize() + " bytes");
        admit(m, what, s, size, align, zero, !address);
    }

    /** Checks a new payload (alignment, usable size, zeroing, overlap) and fills it. */
    private void admit(AllocModel m, String what, MemorySegment s, long size, long align, boolean zero,
            boolean jalloc) {
        long a = s.address();
        Fuzz.check(a % align == 0 && a != 0, m + "." + what + ": address 0x" + Long.toHexString(a));
        Fuzz.check(!m.lives.containsKey(a), m + "." + what + ": handed out the live payload 0x" + Long.toHexString(a)
                + " again");
        long usable = m.alloc.usableSize(a);
        Fuzz.check(usable >= size, m + "." + what + ": usable size " + usable + " below " + size);
        if (zero) {
            long nz = fuzz.memory.nonZero(s, size, d, 4);
            Fuzz.check(nz < 0, m + "." + what + ": zeroing verb handed out a non-zero byte at +" + nz);
        }
        Live l = new Live(s, size, d.fill());
        l.usable = usable;
        l.jallocSegment = jalloc;
        fuzz.memory.register(l, m.name);
        Memory.fill(s, size, l.fill);
        m.add(l);
        m.checkCounts();
    }

    /** {@return an address to free or resize: mostly live, else freed, interior, foreign or absurd} */
    private long target(AllocModel m, List<AllocModel> all, List<ArenaModel> arenas) {
        int c = d.nextInt(100);
        if (c < 65 && !m.lives.isEmpty()) {
            return m.any(d).address;
        }
        if (c < 75 && !m.freed.isEmpty()) {
            return d.pick(m.freed);
        }
        if (c < 85 && !m.lives.isEmpty()) {
            Live l = m.any(d);
            return l.address + new long[] {1, 8, 16, l.size, l.usable, -16}[d.nextInt(6)];
        }
        if (c < 90 && !all.isEmpty()) {
            AllocModel o = d.pick(all);
            if (!o.lives.isEmpty()) {
                return o.any(d).address;
            }
        }
        if (c < 93 && !arenas.isEmpty()) {
            ArenaModel a = d.pick(arenas);
            if (!a.lives.isEmpty()) {
                return a.lives.peek().address;
            }
        }
        return new long[] {0, -1, 16, Long.MIN_VALUE, Long.MAX_VALUE, -16, 1L << 46}[d.nextInt(7)];
    }

    private void free(AllocModel m, List<AllocModel> all, List<ArenaModel> arenas) {
        long p = target(m, all, arenas);
        Live l = m.lives.get(p);
        boolean bySegment = l != null && l.jallocSegment && d.oneIn(3);
        boolean other = fuzz.onOther(3);
        if (l != null) {
            verifyLive(m, l, "before its free");
        }
        Expect e = base(m, other).when(!m.closed && l == null, IllegalArgumentException.class);
        String what = "free(" + (bySegment ? "segment " : "") + "0x" + Long.toHexString(p) + ")";
        if (run(m, what, e, () -> {
            if (bySegment) {
                m.alloc.free(l.segment);
            } else {
                m.alloc.free(p);
            }
        })) {
            m.remove(p);
            if (l.jallocSegment) {
                fuzz.stale.offer(l.segment, "freed payload of " + m, m.staleWritable());
            }
            m.checkCounts();
        }
    }

    private void reallocate(AllocModel m) {
        long p = target(m, List.of(m), List.of());
        Live l = m.lives.get(p);
        int verb = d.nextInt(3);
        if (verb == 2 && (l == null || !l.jallocSegment)) {
            verb = 0;
        }
        long size = d.size(2 << 20);
        boolean other = fuzz.onOther(3);
        if (l != null) {
            verifyLive(m, l, "before its resize");
        }
        boolean bigAsk = size > (1 << 20) || m.alloc.reservedBytes() < (256 << 20) || m.arena != null;
        Expect e = base(m, other).when(!m.closed && (l == null || !validSize(size)), IllegalArgumentException.class)
                .mayWhen(bigAsk, OutOfNativeMemoryError.class);
        int v = verb;
        long[] out = new long[1];
        MemorySegment[] seg = new MemorySegment[1];
        String what = new String[] {"reallocate", "reallocateNoInit", "reallocate(segment)"}[verb] + "(0x"
                + Long.toHexString(p) + ", " + size + ")";
        if (!run(m, what, e, () -> {
            switch (v) {
                case 0 -> out[0] = m.alloc.reallocate(p, size);
                case 1 -> out[0] = m.alloc.reallocateNoInit(p, size);
                default -> seg[0] = m.alloc.reallocate(l.segment, size);
            }
        })) {
            return;
        }
        MemorySegment s = verb == 2 ? seg[0] : Memory.at(out[0], size);
        long q = s.address();
        // The bytes both sizes hold must have survived: the marked ones of the old payload below the new size.
        long keep = Math.min(l.size, size);
        long[][] marked = l.size <= 2 * Memory.MARK ? new long[][] {{0, l.size}}
                : new long[][] {{0, Memory.MARK}, {l.size - Memory.MARK, l.size}};
        for (long[] range : marked) {
            long to = Math.min(range[1], keep);
            long mm = range[0] < to ? Memory.mismatch(s, range[0], to, l.fill) : -1;
            Fuzz.check(mm < 0, m + "." + what + ": byte " + mm + " of the payload did not survive the resize");
        }
        m.remove(p);
        if (q != p && l.jallocSegment) {
            fuzz.stale.offer(l.segment, "payload moved by " + m + "." + what, m.staleWritable());
        }
        if (verb != 1 && size > l.usable) {
            long to = Math.min(size, l.usable + 4096);
            MemorySegment grown = s.asSlice(l.usable, to - l.usable);
            long nz = fuzz.memory.nonZero(grown, to - l.usable, d, 0);
            Fuzz.check(nz < 0, m + "." + what + ": byte " + (l.usable + nz) + " beyond the old usable size "
                    + l.usable + " is not zero");
        }
        m.freed.remove(q);
        admit(m, what, s, size, 1, false, verb == 2);
    }

    private void usableSize(AllocModel m) {
        long p = target(m, List.of(m), List.of());
        Live l = m.lives.get(p);
        boolean other = fuzz.onOther(3);
        long[] out = new long[1];
        if (run(m, "usableSize(0x" + Long.toHexString(p) + ")", base(m, other)
                .when(!m.closed && l == null, IllegalArgumentException.class), () -> out[0] = m.alloc.usableSize(p))) {
            Fuzz.check(out[0] == l.usable, m + ".usableSize(0x" + Long.toHexString(p) + ") = " + out[0]
                    + ", it was " + l.usable);
        }
    }

    private void trimOrCheck(AllocModel m, boolean trim) {
        boolean other = fuzz.onOther(3);
        if (run(m, trim ? "trim()" : "check()", base(m, other), trim ? m.alloc::trim : m.alloc::check)) {
            verify(m, trim ? 8 : 2);
        }
    }

    private void observe(AllocModel m) {
        boolean other = fuzz.onOther(10);
        int which = d.nextInt(9);
        boolean heap = m.isHeap();
        int sizeClass = which == 8 ? (int) d.index(70) : 0;
        boolean classOut = sizeClass < 0 || sizeClass > 1000;
        Expect e = which == 1 || which == 2 || which == 6 ? Expect.of() : base(m, other)
                .when(which == 8 && heap && !m.closed && classOut, IndexOutOfBoundsException.class)
                .mayWhen(which == 8 && heap, IndexOutOfBoundsException.class);
        long[] before = m.observe();
        run(m, "observer#" + which, e, () -> {
            switch (which) {
                case 0 -> m.alloc.committedBytes();
                case 1 -> m.alloc.reservedBytes();
                case 2 -> m.alloc.toString();
                case 3 -> { if (heap) ((Heap) m.alloc).liveBytes(); else ((BestFitAllocator) m.alloc).freeBlocks(); }
                case 4 -> { if (heap) ((Heap) m.alloc).liveAllocations(); else ((BestFitAllocator) m.alloc).freeBytes(); }
                case 5 -> { if (heap) ((Heap) m.alloc).fragmentation(); else ((BestFitAllocator) m.alloc).largestFreeBlock(); }
                case 6 -> { if (heap) Heap.sizeClasses(); else ((BestFitAllocator) m.alloc).commitStep(); }
                case 7 -> { if (heap) ((Heap) m.alloc).liveAllocations(); else ((BestFitAllocator) m.alloc).allocatedBytes(); }
                default -> { if (heap) ((Heap) m.alloc).liveAllocations(sizeClass); else m.alloc.committedBytes(); }
            }
        });
        Fuzz.check(java.util.Arrays.equals(before, m.observe()), m + ".observer#" + which + " changed the state");
    }

    private void verifyLive(AllocModel m, Live l, String when) {
        if (!l.accessible()) {
            return;
        }
        long mm = Memory.mismatch(l.segment, l.size, l.fill);
        if (mm >= 0) {
            throw new Violation(m + ": live payload " + l + " changed at byte " + mm + " (" + when + ")");
        }
    }

    void verify(AllocModel m, int n) {
        if (m.closed) {
            return;
        }
        for (int i = 0; i < n && !m.lives.isEmpty(); i++) {
            verifyLive(m, m.any(d), "sample");
        }
        m.checkCounts();
    }

    void close(AllocModel m) {
        boolean other = fuzz.onOther(5);
        if (!m.closed) {
            verify(m, 4);
        }
        long arenaPos = m.arena != null && !m.arena.closed ? m.arena.pos : -1;
        if (!run(m, "close()", base(m, other), m.alloc::close)) {
            return;
        }
        for (Live l : m.lives.values()) {
            fuzz.memory.unregister(l);
            if (l.jallocSegment) {
                fuzz.stale.offer(l.segment, "payload of closed " + m, m.staleWritable());
            }
        }
        m.lives.clear();
        m.addresses.clear();
        m.closed = true;
        if (m.arena != null) {
            m.arena.tail = null;
            Fuzz.check(m.arena.arena.pos() == arenaPos, m + ".close(): the arena's pos is " + m.arena.arena.pos()
                    + ", it was " + arenaPos);
        }
    }
}
