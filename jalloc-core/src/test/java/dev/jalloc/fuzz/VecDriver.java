package dev.jalloc.fuzz;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.fuzz.Memory.Live;
import dev.jalloc.vector.LayoutVec;
import dev.jalloc.vector.Vec;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Drives every vector kind as a list: appends (single, arrays and ranges of them, segments, other vectors and
 * itself), gets and sets, inserts and removals at indices around the bounds, fills, sorts and searches, reads as
 * arrays, streams and iterators, capacity changes, from either thread. A model list checks every result; a refused
 * call must leave size, capacity, committed bytes (and the arena's, for a tail) and the elements as they were.
 */
final class VecDriver {
    /** Above this many bytes the driver removes more than it appends. */
    private static final long CROWDED = 4L << 20;
    private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1.5, -2.25};

    private final Fuzz fuzz;
    private final Draw d;

    private final VecAppends appends;

    VecDriver(Fuzz fuzz) {
        this.fuzz = fuzz;
        this.d = fuzz.draw;
        this.appends = new VecAppends(fuzz, this);
    }

    /** {@return a random element value of {@code m}'s kind, as the model holds it} */
    long value(VecModel m) {
        return switch (m.kind) {
            case VecModel.INTS -> d.oneIn(2) ? d.nextInt(100) : (int) d.nextLong();
            case VecModel.LONGS -> d.oneIn(2) ? d.nextInt(100) : d.nextLong();
            case VecModel.DOUBLES -> {
                double v = d.oneIn(3) ? SPECIAL[d.nextInt(SPECIAL.length)] : Double.longBitsToDouble(d.nextLong());
                yield Double.doubleToLongBits(v);   // one NaN
            }
            default -> d.oneIn(4) ? 0 : d.nextLong() | 1;
        };
    }

    Expect writer(VecModel m, boolean other) {
        return Expect.of().when(m.closed, IllegalStateException.class).when(other, WrongThreadException.class);
    }

    Expect reader(VecModel m, boolean other) {
        return Expect.of().when(m.closed, IllegalStateException.class)
                .when(other && !m.shared, WrongThreadException.class);
    }

    /** Runs one call and checks a refusal changed nothing. {@return whether it succeeded} */
    boolean run(VecModel m, String what, Expect e, Fuzz.Body body) {
        long[] before = m.observe();
        Throwable t = fuzz.call(m + "." + what, e, body);
        if (t != null) {
            Fuzz.unchanged(m + "." + what, t, before, m.observe());
            m.verify(fuzz, 4, "after a refused " + what);
            return false;
        }
        return true;
    }

    /** One random operation on {@code m}. */
    void step(VecModel m, List<VecModel> all) {
        int r = d.nextInt(100);
        if (m.size * m.stride > CROWDED && r < 40) {
            r = 70 + r % 15;
        }
        boolean layout = m.kind == VecModel.LAYOUT;
        if (r < 22) {
            appends.add(m);
        } else if (r < 28) {
            appends.addAll(m);
        } else if (r < 32) {
            appends.addAllSegment(m);
        } else if (r < 34) {
            appends.addAllVec(m, all);
        } else if (r < 42) {
            get(m);
        } else if (r < 48) {
            set(m);
        } else if (r < 54) {
            insert(m);
        } else if (r < 60) {
            fill(m);
        } else if (r < 63 && !layout) {
            sortAndSearch(m);
        } else if (r < 66) {
            read(m);
        } else if (r < 70) {
            ensureCapacity(m);
        } else if (r < 75) {
            remove(m);
        } else if (r < 79) {
            removeLast(m);
        } else if (r < 83) {
            truncate(m);
        } else if (r < 87) {
            removeRange(m);
        } else if (r < 88) {
            trimToSize(m);
        } else if (r < 93) {
            observe(m);
        } else {
            m.verify(fuzz, d.oneIn(20) ? 0 : 8, "sample");
        }
        if (!m.closed && d.oneIn(4)) {
            m.verify(fuzz, 2, "after a step");
        }
    }

    private void get(VecModel m) {
        boolean other = fuzz.onOther(5);
        long i = d.index(m.size);
        boolean out = i < 0 || i >= m.size;
        long[] got = new long[1];
        MemorySegment[] seg = new MemorySegment[1];
        if (run(m, "get(" + i + ")", reader(m, other).when(!m.closed && out, IndexOutOfBoundsException.class), () -> {
            if (m.vec instanceof LayoutVec lv) {
                seg[0] = lv.get(i);
            } else {
                got[0] = VecModel.value(m.vec, i);
            }
        })) {
            boolean ok = seg[0] != null ? seg[0].byteSize() == m.stride && m.matches(seg[0], 0, m.get(i))
                    : m.kind == VecModel.INTS ? (int) got[0] == (int) m.get(i) : got[0] == m.get(i);
            Fuzz.check(ok, m + ".get(" + i + "): not the model's " + m.get(i) + " (got " + got[0] + ")");
        }
    }

    private void set(VecModel m) {
        boolean other = fuzz.onOther(5);
        long i = d.index(m.size);
        boolean out = i < 0 || i >= m.size;
        long v = value(m);
        long[] old = new long[1];
        boolean[] bad = new boolean[1];
        boolean[] closed = new boolean[1];
        MemorySegment e = m.kind == VecModel.LAYOUT ? appends.element(m, v, bad, closed) : null;
        Expect x = reader(m, other).when(!m.closed && out, IndexOutOfBoundsException.class)
                .when(bad[0], IllegalArgumentException.class).when(closed[0], IllegalStateException.class).when(closed[0] && other, WrongThreadException.class);
        if (run(m, "set(" + i + ", " + v + ")", x, () -> {
            if (m.vec instanceof LayoutVec lv) {
                lv.set(i, e);
            } else {
                old[0] = VecCalls.set(m.vec, i, v);
            }
        })) {
            Fuzz.check(e != null || (m.kind == VecModel.INTS ? (int) old[0] == (int) m.get(i) : old[0] == m.get(i)),
                    m + ".set(" + i + "): returned " + old[0] + ", model had " + m.get(i));
            m.elems[(int) i] = v;
            m.sorted = false;
        }
    }

    private void insert(VecModel m) {
        boolean other = fuzz.onOther(3);
        long i = d.index(m.size);
        boolean out = i < 0 || i > m.size;
        boolean full = m.size >= m.vec.maxCapacity();
        long v = value(m);
        Expect x = writer(m, other).when(!m.closed && out, IndexOutOfBoundsException.class)
                .when(!m.closed && !out && full, OutOfNativeMemoryError.class).may(OutOfNativeMemoryError.class);
        if (m.kind != VecModel.LAYOUT) {
            if (run(m, "insert(" + i + ", " + v + ")", x, () -> VecCalls.insert(m.vec, i, v))) {
                m.insert(i, v);
            }
            return;
        }
        LayoutVec lv = (LayoutVec) m.vec;
        if (d.oneIn(2)) {
            MemorySegment[] seg = new MemorySegment[1];
            if (run(m, "insert(" + i + ")", x, () -> seg[0] = lv.insert(i))) {
                Fuzz.check(m.matches(seg[0], 0, 0), m + ".insert(" + i + "): not a zeroed element");
                m.insert(i, 0);
            }
            return;
        }
        boolean own = !m.closed && m.size > 0 && d.oneIn(4);
        long ownIndex = own ? d.nextLong(m.size) : 0;
        boolean[] bad = new boolean[1];
        boolean[] closed = new boolean[1];
        MemorySegment e = own ? lv.get(ownIndex) : appends.element(m, v, bad, closed);
        long value = own ? m.get(ownIndex) : v;
        x.when(bad[0], IllegalArgumentException.class).when(closed[0], IllegalStateException.class).when(closed[0] && other, WrongThreadException.class);
        if (run(m, "insert(" + i + ", " + (own ? "its own element " + ownIndex : "segment " + v) + ")", x,
                () -> lv.insert(i, e))) {
            m.insert(i, value);
        }
    }

    private void fill(VecModel m) {
        boolean other = fuzz.onOther(5);
        long v = value(m);
        if (m.kind == VecModel.LAYOUT) {
            boolean[] bad = new boolean[1];
            boolean[] closed = new boolean[1];
            MemorySegment e = appends.element(m, v, bad, closed);
            if (run(m, "fill(segment " + v + ")", reader(m, other).when(bad[0], IllegalArgumentException.class)
                    .when(closed[0], IllegalStateException.class).when(closed[0] && other, WrongThreadException.class), () -> ((LayoutVec) m.vec).fill(e))) {
                Arrays.fill(m.elems, 0, m.size, v);
            }
            return;
        }
        boolean whole = d.oneIn(3);
        long from = whole ? 0 : d.index(m.size);
        long to = whole ? m.size : d.index(m.size);
        boolean out = !whole && (from < 0 || from > to || to > m.size);
        if (run(m, "fill(" + (whole ? "" : from + ", " + to + ", ") + v + ")",
                reader(m, other).when(!m.closed && out, IndexOutOfBoundsException.class),
                () -> VecCalls.fill(m.vec, from, to, v, whole))) {
            Arrays.fill(m.elems, (int) from, (int) to, v);
            m.sorted = false;
        }
    }

    private void sortAndSearch(VecModel m) {
        boolean other = fuzz.onOther(5);
        if (!m.sorted || d.oneIn(3)) {
            if (run(m, "sort()", reader(m, other), () -> VecCalls.sort(m.vec))) {
                VecCalls.sortModel(m.kind, m.elems, m.size);
                m.sorted = true;
                m.verify(fuzz, 0, "after sort");
            }
            return;
        }
        long key = m.size > 0 && d.oneIn(2) ? m.get(d.nextInt(m.size)) : value(m);
        long[] at = new long[1];
        if (run(m, "binarySearch(" + key + ")", reader(m, other), () -> at[0] = VecCalls.binarySearch(m.vec, key))
                && m.kind != VecModel.DOUBLES) {
            long r = at[0];
            long ip = r >= 0 ? r : -(r + 1);
            boolean ok = r >= 0 ? r < m.size && m.get(r) == key
                    : ip <= m.size && (ip == 0 || m.get(ip - 1) < key) && (ip == m.size || m.get(ip) > key);
            Fuzz.check(ok, m + ".binarySearch(" + key + ") = " + r + " in a sorted vector of " + m.size);
        }
    }

    private void read(VecModel m) {
        boolean other = fuzz.onOther(5);
        if (m.kind == VecModel.LAYOUT) {
            long[] n = new long[1];
            if (run(m, "elements().count()", reader(m, other), () -> n[0] = ((LayoutVec) m.vec).elements().count())) {
                Fuzz.check(n[0] == m.size, m + ".elements(): " + n[0] + " elements");
            }
            return;
        }
        int how = d.nextInt(3);
        long[][] out = new long[1][];
        if (run(m, new String[] {"toArray()", "stream()", "iterator()"}[how], reader(m, other),
                () -> out[0] = VecCalls.read(m.vec, how))) {
            Fuzz.check(Arrays.equals(out[0], Arrays.copyOf(m.elems, m.size)), m + ": read " + out[0].length
                    + " elements that are not the model's " + m.size);
        }
    }

    private void ensureCapacity(VecModel m) {
        boolean other = fuzz.onOther(3);
        long max = m.vec.maxCapacity();
        long n = switch (d.nextInt(6)) {
            case 0 -> -1 - d.nextInt(10);
            case 1 -> max + d.nextInt(3);
            case 2 -> Long.MAX_VALUE;
            default -> Math.min(max, d.nextLong(Math.max(1, (4L << 20) / m.stride)));
        };
        if (run(m, "ensureCapacity(" + n + ")", writer(m, other).when(n < 0, IllegalArgumentException.class)
                .when(n > max, OutOfNativeMemoryError.class).may(OutOfNativeMemoryError.class),
                () -> m.vec.ensureCapacity(n))) {
            long capacity = m.vec.capacity();
            Fuzz.check(capacity >= n, m + ".ensureCapacity(" + n + "): capacity " + capacity);
        }
    }

    private void remove(VecModel m) {
        boolean other = fuzz.onOther(3);
        long i = d.index(m.size);
        boolean out = i < 0 || i >= m.size;
        long[] got = new long[1];
        if (run(m, "remove(" + i + ")", writer(m, other).when(!m.closed && out, IndexOutOfBoundsException.class),
                () -> {
                    if (m.vec instanceof LayoutVec lv) {
                        lv.remove(i);
                    } else {
                        got[0] = VecCalls.remove(m.vec, i);
                    }
                })) {
            Fuzz.check(m.kind == VecModel.LAYOUT || (m.kind == VecModel.INTS ? (int) got[0] == (int) m.get(i)
                    : got[0] == m.get(i)), m + ".remove(" + i + ") returned " + got[0] + ", model had " + m.get(i));
            m.removeRange(i, 1);
        }
    }

    private void removeLast(VecModel m) {
        boolean other = fuzz.onOther(3);
        long[] got = new long[1];
        if (run(m, "removeLast()", writer(m, other).when(!m.closed && m.size == 0, NoSuchElementException.class),
                () -> {
                    if (m.vec instanceof LayoutVec lv) {
                        lv.removeLast();
                    } else {
                        got[0] = VecCalls.removeLast(m.vec);
                    }
                })) {
            long last = m.get(m.size - 1);
            Fuzz.check(m.kind == VecModel.LAYOUT || (m.kind == VecModel.INTS ? (int) got[0] == (int) last
                    : got[0] == last), m + ".removeLast() returned " + got[0] + ", model had " + last);
            m.truncate(m.size - 1);
        }
    }

    private void truncate(VecModel m) {
        boolean other = fuzz.onOther(3);
        boolean clear = d.oneIn(5);
        long n = clear ? 0 : d.index(m.size);
        if (run(m, clear ? "clear()" : "truncate(" + n + ")", writer(m, other)
                .when(!m.closed && (n < 0 || n > m.size), IndexOutOfBoundsException.class), () -> {
                    if (clear) {
                        m.vec.clear();
                    } else {
                        m.vec.truncate(n);
                    }
                })) {
            m.truncate(n);
        }
    }

    private void removeRange(VecModel m) {
        boolean other = fuzz.onOther(3);
        long i = d.index(m.size);
        long c = d.oneIn(10) ? -1 - d.nextInt(3) : d.index(Math.max(0, m.size - Math.max(0, i)));
        Expect e = writer(m, other).when(c < 0, IllegalArgumentException.class)
                .when(!m.closed && c >= 0 && (i < 0 || i > m.size - c), IndexOutOfBoundsException.class);
        if (run(m, "removeRange(" + i + ", " + c + ")", e, () -> m.vec.removeRange(i, c))) {
            m.removeRange(i, c);
        }
    }

    private void trimToSize(VecModel m) {
        boolean other = fuzz.onOther(3);
        if (run(m, "trimToSize()", writer(m, other), m.vec::trimToSize)) {
            m.verify(fuzz, 8, "after trimToSize");
        }
    }

    private void observe(VecModel m) {
        boolean other = fuzz.onOther(10);
        int which = d.nextInt(12);
        boolean checked = which < 6;
        long[] out = new long[1];
        Expect e = checked ? reader(m, other) : Expect.of();
        if (run(m, "observer#" + which, e, () -> {
            Vec v = m.vec;
            out[0] = switch (which) {
                case 0 -> v.size();
                case 1 -> v.isEmpty() ? 1 : 0;
                case 2 -> v.capacity();
                case 3 -> v.byteSize();
                case 4 -> v.committedBytes();
                case 5 -> v.address();
                case 6 -> v.maxCapacity();
                case 7 -> v.reservedBytes();
                case 8 -> v.commitStep();
                case 9 -> v.elementLayout().byteSize();
                case 10 -> v instanceof LayoutVec lv ? lv.offsetOf(m.size) : m.size * m.stride;
                default -> v.toString().length();
            };
        }) && !m.closed) {
            long expected = switch (which) {
                case 0 -> m.size;
                case 1 -> m.size == 0 ? 1 : 0;
                case 3, 10 -> m.size * m.stride;
                case 5 -> m.address;
                case 9 -> m.stride;
                default -> out[0];
            };
            Fuzz.check(out[0] == expected, m + ".observer#" + which + " = " + out[0] + ", expected " + expected);
        }
    }

    /** Closes {@code m} (or tries again); a vector on an arena's tail leaves its elements pushed on the arena. */
    void close(VecModel m) {
        boolean other = fuzz.onOther(5);
        MemorySegment elements = m.closed ? null : m.vec.segment();
        long arenaPos = m.arena != null && !m.arena.closed ? m.arena.pos : -1;
        if (!run(m, "close()", writer(m, other), m.vec::close)) {
            return;
        }
        m.closed = true;
        fuzz.memory.release(m.address);
        if (m.arena == null) {
            fuzz.stale.offer(elements, "elements of closed " + m);
            return;
        }
        ArenaModel a = m.arena;
        a.tail = null;
        long bytes = m.size * m.stride;
        long now = a.arena.pos();
        long start = now - bytes;
        Fuzz.check(bytes == 0 ? now == arenaPos : start >= arenaPos && start - arenaPos < Math.max(8,
                m.layout.byteAlignment()), m + ".close(): arena pos " + now + " from " + arenaPos + " with "
                + bytes + " bytes of elements");
        if (bytes > 0) {
            for (int i = 0; i < m.size; i++) {
                Fuzz.check(m.matches(elements, i * m.stride, m.elems[i]), m + ".close(): element " + i
                        + " changed as it became arena memory");
            }
            Live l = new Live(elements, bytes, (byte) 0);
            l.pos = start;
            a.pos = now;
            a.admit(fuzz, l);
        }
    }
}
