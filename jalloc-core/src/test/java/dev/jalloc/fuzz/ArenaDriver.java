package dev.jalloc.fuzz;

import static dev.jalloc.fuzz.Draw.validAlign;
import static dev.jalloc.fuzz.Draw.validSize;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.arena.Temp;
import dev.jalloc.fuzz.ArenaModel.TempModel;
import dev.jalloc.fuzz.Memory.Live;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives {@link LinearArena} and {@link Temp}: pushes of every verb with sizes and alignments around every boundary,
 * pops to handed-out positions, to gaps between blocks and out of range, temps closed in and out of order and
 * twice, trims, configuration changes and observers, on either thread. Arenas are built by {@link ArenaBuilds}.
 */
final class ArenaDriver {
    /** Above this position the driver pops more than it pushes, so memory stays bounded. */
    private static final long CROWDED = 24L << 20;

    private final Fuzz fuzz;
    private final Draw d;

    ArenaDriver(Fuzz fuzz) {
        this.fuzz = fuzz;
        this.d = fuzz.draw;
    }

    /** One random operation on {@code m}. */
    void step(ArenaModel m) {
        int r = d.nextInt(100);
        if (m.pos > CROWDED && r < 60) {
            r = 45 + r % 15;   // a pop of some kind
        }
        if (r < 36) {
            push(m);
        } else if (r < 39) {
            pushAligner(m);
        } else if (r < 48) {
            popTo(m, popTarget(m));
        } else if (r < 54) {
            pop(m);
        } else if (r < 56) {
            clear(m);
        } else if (r < 58) {
            trim(m);
        } else if (r < 65) {
            beginTemp(m);
        } else if (r < 72) {
            endTemp(m);
        } else if (r < 73) {
            setAutoAlign(m);
        } else if (r < 74) {
            setChaining(m);
        } else if (r < 80) {
            observe(m);
        } else if (r < 88) {
            tempAllocate(m);
        } else {
            m.verifySome(fuzz, 4);
            if (d.oneIn(50)) {
                m.verifyAll(fuzz);
            }
        }
    }

    /** {@return the expectation every arena call starts from: closed, wrong thread, tail lent} */
    private Expect base(ArenaModel m, boolean other, boolean needsTail) {
        return Expect.of().when(m.closed, IllegalStateException.class)
                .when(other && !m.shared, WrongThreadException.class)
                .when(needsTail && !m.closed && m.tail != null, IllegalStateException.class);
    }

    // ---- pushes ----

    private void push(ArenaModel m) {
        int verb = d.nextInt(8);
        boolean explicit = verb % 2 == 1;
        push(m, verb, explicit ? d.align() : m.arena.autoAlign(), null);
    }

    private void tempAllocate(ArenaModel m) {
        TempModel t = pickTemp(m);
        if (t == null) {
            push(m);
        } else {
            push(m, 9, d.align(), t);
        }
    }

    /**
     * Verbs: 0 push(size), 1 push(size, align), 2 pushNoInit(size), 3 pushNoInit(size, align), 4 pushAddress,
     * 5 pushAddressNoInit, 6 allocate(size), 7 allocate(size, align), 9 temp.allocate(size, align).
     */
    private void push(ArenaModel m, int verb, long align, TempModel temp) {
        long size = d.size(m.checked ? 1 << 20 : 4 << 20);
        if (m.checked && validSize(size) && size > (16 << 20)) {
            size = d.nextInt(100);   // checked pops poison every byte: keep them small
        }
        boolean explicit = verb % 2 == 1 || verb == 4;
        boolean zero = verb != 2 && verb != 3 && verb != 5;
        boolean address = verb == 4 || verb == 5;
        boolean other = fuzz.onOther(4);
        boolean callerBlock = !m.closed && m.inCallerBlock();
        // A chained arena of huge reservations (a builder's 2^46) may be refused its next block by the OS.
        boolean bigAsk = size > (1 << 20) || align > (1 << 16) || m.arena.reserveSize() > (1L << 40);
        Expect e = base(m, other, true)
                .when(!validSize(size) || (explicit && !validAlign(align)), IllegalArgumentException.class)
                .when(temp != null && temp.closed, IllegalStateException.class)
                .when(callerBlock && m.callerClosed(), IllegalStateException.class)
                .when(callerBlock && address && m.heapBacked, UnsupportedOperationException.class)
                .mayWhen(bigAsk || !m.closed && !m.arena.isChaining(), OutOfNativeMemoryError.class);
        String[] names = {"push", "push", "pushNoInit", "pushNoInit", "pushAddress", "pushAddressNoInit", "allocate",
                "allocate", "", "temp.allocate"};
        String what = m + "." + names[verb] + "(" + size + (explicit || verb == 9 ? ", " + align : "") + ")";
        long[] before = m.observe();
        int blocks = m.arena.blockCount();
        MemorySegment[] seg = new MemorySegment[1];
        long[] addr = new long[1];
        long sz = size;
        Throwable t = fuzz.call(what, e, () -> {
            switch (verb) {
                case 0 -> seg[0] = m.arena.push(sz);
                case 1 -> seg[0] = m.arena.push(sz, align);
                case 2 -> seg[0] = m.arena.pushNoInit(sz);
                case 3 -> seg[0] = m.arena.pushNoInit(sz, align);
                case 4 -> addr[0] = m.arena.pushAddress(sz, align);
                case 5 -> addr[0] = m.arena.pushAddressNoInit(sz, align);
                case 6 -> seg[0] = m.arena.allocate(sz);
                case 7 -> seg[0] = m.arena.allocate(sz, align);
                default -> seg[0] = temp.temp.allocate(sz, align);
            }
        });
        if (t != null) {
            Fuzz.unchanged(what, t, before, m.observe());
            return;
        }
        boolean newBlock = m.arena.blockCount() != blocks;
        long start = moved(m, what, size, align, blocks, callerBlock);
        MemorySegment s = address ? segmentAt(m, addr[0], size, callerBlock && !newBlock) : seg[0];
        Fuzz.check(s.byteSize() == size, what + ": segment of " + s.byteSize() + " bytes");
        Fuzz.check(s.address() % align == 0, what + ": address 0x" + Long.toHexString(s.address())
                + " not aligned to " + align);
        if (zero) {
            long nz = fuzz.memory.nonZero(s, size, d, 4);
            Fuzz.check(nz < 0, what + ": zeroing verb handed out a non-zero byte at +" + nz);
        }
        Live l = new Live(s, size, (byte) 0);
        l.pos = start;
        m.admit(fuzz, l);
    }

    /** A segment over an address an arena pushed, with the lifetime of the memory (the caller's or the arena's). */
    private static MemorySegment segmentAt(ArenaModel m, long address, long size, boolean callerBlock) {
        if (callerBlock) {
            return m.callerMemory.asSlice(address - m.callerMemory.address(), size);
        }
        return MemorySegment.ofAddress(address).reinterpret(size, m.arena, null);
    }

    /**
     * Checks where a push (or aligner, size 0) of {@code size} bytes aligned to {@code align} moved the position,
     * records a gap if it moved to a new block, and {@return the position of its first byte}
     */
    private long moved(ArenaModel m, String what, long size, long align, int blocksBefore, boolean callerBlock) {
        long newPos = m.arena.pos();
        long start = newPos - size;
        Fuzz.check(start >= m.pos, what + ": pushed at pos " + start + " below the pos " + m.pos);
        if (m.arena.blockCount() == blocksBefore) {
            long expected;
            if (callerBlock) {
                long base = m.callerMemory.address();
                expected = alignUp(base + m.pos, align) - base;
            } else if (m.callerMemory == null && align <= 4096) {
                expected = alignUp(m.pos, align);
            } else {
                expected = start - m.pos < align ? start : -1;
            }
            Fuzz.check(start == expected, what + ": pushed at pos " + start + " from pos " + m.pos
                    + ", expected " + expected + " in the same block");
        } else if (start > m.pos) {
            m.gaps.put(m.pos, new long[] {start, align <= 4096 ? 1 : 0});
        }
        m.pos = newPos;
        return start;
    }

    private void pushAligner(ArenaModel m) {
        long align = d.align();
        boolean other = fuzz.onOther(4);
        boolean callerBlock = !m.closed && m.inCallerBlock();
        Expect e = base(m, other, true).when(!validAlign(align), IllegalArgumentException.class)
                .when(callerBlock && m.callerClosed(), IllegalStateException.class)
                .mayWhen(align > (1 << 16) || m.arena.reserveSize() > (1L << 40) || !m.closed && !m.arena.isChaining(),
                        OutOfNativeMemoryError.class);
        String what = m + ".pushAligner(" + align + ")";
        long[] before = m.observe();
        int blocks = m.arena.blockCount();
        Throwable t = fuzz.call(what, e, () -> m.arena.pushAligner(align));
        if (t != null) {
            Fuzz.unchanged(what, t, before, m.observe());
            return;
        }
        moved(m, what, 0, align, blocks, callerBlock);
    }

    // ---- pops ----

    private long popTarget(ArenaModel m) {
        int c = d.nextInt(10);
        if (c < 4 && !m.lives.isEmpty()) {
            int i = d.nextInt(Math.min(m.lives.size(), 40));
            for (Live l : m.lives) {
                if (i-- == 0) {
                    return l.pos;
                }
            }
        }
        if (c < 6 && !m.gaps.isEmpty()) {
            var g = d.oneIn(2) ? m.gaps.firstEntry() : m.gaps.lastEntry();
            long lo = g.getKey();
            long hi = g.getValue()[0];
            return switch (d.nextInt(4)) {
                case 0 -> lo;
                case 1 -> hi;
                case 2 -> lo + 1;
                default -> lo + d.nextLong(Math.max(1, hi - lo));
            };
        }
        if (c < 7 && !m.temps.isEmpty()) {
            return m.temps.peek().startPos;
        }
        return d.index(m.pos);
    }

    private void popTo(ArenaModel m, long p) {
        boolean other = fuzz.onOther(4);
        int gap = m.inGap(p);
        Expect e = base(m, other, true)
                .when(!m.closed && (p < 0 || p > m.pos || gap == 1), IndexOutOfBoundsException.class)
                .mayWhen(gap == 2, IndexOutOfBoundsException.class)
                .mayWhen(m.checked && m.callerClosed(), IllegalStateException.class);
        String what = m + ".popTo(" + p + ")";
        long[] before = m.observe();
        Throwable t = fuzz.call(what, e, () -> m.arena.popTo(p));
        if (t != null) {
            Fuzz.unchanged(what, t, before, m.observe());
            return;
        }
        m.dropAbove(fuzz, p);
        Fuzz.check(m.arena.pos() == p, what + ": pos is " + m.arena.pos());
    }

    private void pop(ArenaModel m) {
        long n;
        int c = d.nextInt(10);
        if (c < 4 && !m.lives.isEmpty()) {
            n = m.pos - m.lives.peek().pos;
        } else if (c < 5) {
            n = Draw.EDGE_SIZES[d.nextInt(Draw.EDGE_SIZES.length)];
        } else {
            n = m.pos - d.index(m.pos);
        }
        long p = m.pos - n;
        boolean other = fuzz.onOther(4);
        int gap = n < 0 || n > m.pos ? 0 : m.inGap(p);
        Expect e = base(m, other, true).when(n < 0, IllegalArgumentException.class)
                .when(!m.closed && n >= 0 && (n > m.pos || gap == 1), IndexOutOfBoundsException.class)
                .mayWhen(gap == 2, IndexOutOfBoundsException.class)
                .mayWhen(m.checked && m.callerClosed(), IllegalStateException.class);
        String what = m + ".pop(" + n + ")";
        long[] before = m.observe();
        Throwable t = fuzz.call(what, e, () -> m.arena.pop(n));
        if (t != null) {
            Fuzz.unchanged(what, t, before, m.observe());
            return;
        }
        m.dropAbove(fuzz, p);
        Fuzz.check(m.arena.pos() == p, what + ": pos is " + m.arena.pos() + ", expected " + p);
    }

    private void clear(ArenaModel m) {
        boolean other = fuzz.onOther(4);
        Expect e = base(m, other, true).mayWhen(m.checked && m.callerClosed(), IllegalStateException.class);
        String what = m + ".clear()";
        long[] before = m.observe();
        Throwable t = fuzz.call(what, e, m.arena::clear);
        if (t != null) {
            Fuzz.unchanged(what, t, before, m.observe());
            return;
        }
        m.dropAbove(fuzz, 0);
        Fuzz.check(m.arena.pos() == 0, what + ": pos is " + m.arena.pos());
    }

    private void trim(ArenaModel m) {
        boolean other = fuzz.onOther(4);
        String what = m + ".trim()";
        long[] before = m.observe();
        Throwable t = fuzz.call(what, base(m, other, true), m.arena::trim);
        if (t != null) {
            Fuzz.unchanged(what, t, before, m.observe());
            return;
        }
        Fuzz.check(m.arena.pos() == m.pos, what + ": pos is " + m.arena.pos() + ", expected " + m.pos);
        m.verifySome(fuzz, 8);
    }

    // ---- temps ----

    private TempModel pickTemp(ArenaModel m) {
        int c = d.nextInt(10);
        if (c < 7 && !m.temps.isEmpty()) {
            return m.temps.peek();
        }
        if (c < 9 && !m.temps.isEmpty()) {
            return new ArrayList<>(m.temps).get(d.nextInt(m.temps.size()));
        }
        return m.closedTemps.isEmpty() ? m.temps.peek() : d.pick(m.closedTemps);
    }

    private void beginTemp(ArenaModel m) {
        if (m.temps.size() > 24) {
            endTemp(m);
            return;
        }
        boolean other = fuzz.onOther(4);
        String what = m + ".temp()";
        long[] before = m.observe();
        Temp[] out = new Temp[1];
        Throwable t = fuzz.call(what, base(m, other, true), () -> out[0] = m.arena.temp());
        if (t != null) {
            Fuzz.unchanged(what, t, before, m.observe());
            return;
        }
        Temp temp = out[0];
        Fuzz.check(temp.startPos() == m.pos && temp.depth() == m.temps.size() + 1 && temp.arena() == m.arena,
                what + ": " + temp + ", model pos " + m.pos + ", open temps " + m.temps.size());
        m.temps.push(new TempModel(temp, m.pos));
    }

    private void endTemp(ArenaModel m) {
        TempModel t = pickTemp(m);
        if (t == null) {
            beginTemp(m);
            return;
        }
        boolean other = fuzz.onOther(4);
        boolean innermost = t == m.temps.peek();
        Expect e = base(m, other, true).when(t.closed, IllegalStateException.class)
                .when(!t.closed && !innermost, IllegalStateException.class)
                .mayWhen(m.checked && m.callerClosed(), IllegalStateException.class);
        String what = m + ": temp(depth " + t.temp.depth() + ", start " + t.startPos + (t.closed ? ", closed" : "")
                + ").close()";
        long[] before = m.observe();
        Throwable thrown = fuzz.call(what, e, t.temp::close);
        if (thrown != null) {
            Fuzz.unchanged(what, thrown, before, m.observe());
            return;
        }
        long target = Math.min(t.startPos, m.pos);
        long lowest = target;
        int gap = m.inGap(target);
        if (gap != 0) {
            lowest = m.gaps.lowerKey(target);
            target = gap == 1 ? lowest : target;
        }
        long now = m.arena.pos();
        Fuzz.check(now >= lowest && now <= target, what + ": pos is " + now + ", expected " + lowest
                + (lowest == target ? "" : ".." + target));
        t.closed = true;
        m.temps.pop();
        if (m.closedTemps.size() < 8) {
            m.closedTemps.add(t);
        }
        m.dropAbove(fuzz, now);
    }

    // ---- configuration and observers ----

    private void setAutoAlign(ArenaModel m) {
        long align = d.align();
        boolean other = fuzz.onOther(4);
        Expect e = base(m, other, false).when(!validAlign(align), IllegalArgumentException.class);
        String what = m + ".setAutoAlign(" + align + ")";
        long[] before = m.observe();
        Throwable t = fuzz.call(what, e, () -> m.arena.setAutoAlign(align));
        Fuzz.unchanged(what, t, before, m.observe());
        Fuzz.check(t != null || m.arena.autoAlign() == align, what + ": autoAlign() is " + m.arena.autoAlign());
    }

    private void setChaining(ArenaModel m) {
        boolean on = d.chance(70);
        boolean other = fuzz.onOther(4);
        String what = m + ".setChaining(" + on + ")";
        long[] before = m.observe();
        Throwable t = fuzz.call(what, base(m, other, false), () -> m.arena.setChaining(on));
        Fuzz.unchanged(what, t, before, m.observe());
        Fuzz.check(t != null || m.arena.isChaining() == on, what + ": isChaining() is " + m.arena.isChaining());
    }

    private void observe(ArenaModel m) {
        boolean other = fuzz.onOther(10);
        int which = d.nextInt(14);
        long[] out = new long[1];
        Expect e = which == 0 ? base(m, other, false) : Expect.of();
        String what = m + ".observer#" + which;
        long[] before = m.observe();
        fuzz.call(what, e, () -> {
            LinearArena a = m.arena;
            out[0] = switch (which) {
                case 0 -> a.pos();
                case 1 -> a.committedBytes();
                case 2 -> a.reservedBytes();
                case 3 -> a.blockCount();
                case 4 -> a.growth().ordinal();
                case 5 -> a.pageSize();
                case 6 -> a.largePages() ? 1 : 0;
                case 7 -> a.reserveSize();
                case 8 -> a.commitStep();
                case 9 -> a.retainBytes();
                case 10 -> a.isShared() ? 1 : 0;
                case 11 -> a.isChecked() ? 1 : 0;
                case 12 -> a.toString().length();
                default -> a.scope().isAlive() ? 1 : 0;
            };
        });
        long[] after = m.observe();
        Fuzz.check(java.util.Arrays.equals(before, after), what + " changed the state");
        if (which == 0 && !m.closed && (!other || m.shared)) {
            Fuzz.check(out[0] == m.pos, what + ": pos() is " + out[0] + ", model says " + m.pos);
        }
        if (which == 13) {
            Fuzz.check((out[0] == 1) == !m.closed, what + ": scope alive " + out[0] + ", closed " + m.closed);
        }
    }

    // ---- close ----

    /** Closes {@code m} from either thread (or tries to close it again). */
    void close(ArenaModel m) {
        boolean other = fuzz.onOther(m.shared ? 40 : 5);
        String what = m + ".close()";
        long[] before = m.observe();
        Throwable t = fuzz.call(what, base(m, other, false), m.arena::close);
        if (t != null) {
            Fuzz.unchanged(what, t, before, m.observe());
            return;
        }
        m.closed(fuzz);
        Fuzz.check(m.arena.blockCount() == 0 && m.arena.reservedBytes() == 0 && m.arena.committedBytes() == 0,
                what + ": still holds memory: " + m.arena);
    }

    static long alignUp(long value, long align) {
        return (value + align - 1) & -align;
    }

    /** {@return the temps of {@code m} still open, for the world's random closes} */
    static List<TempModel> openTemps(ArenaModel m) {
        return new ArrayList<>(m.temps);
    }
}
