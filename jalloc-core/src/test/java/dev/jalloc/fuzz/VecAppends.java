package dev.jalloc.fuzz;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.vector.LayoutVec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * The appends of {@link VecDriver}: single elements (a {@link LayoutVec}'s zeroed ones written in place through the
 * returned segment), arrays and ranges of them, segments (of a wrong size, closed, views of the vector itself) and
 * other vectors of the kind (closed, of another layout, the vector itself).
 */
final class VecAppends {
    private final Fuzz fuzz;
    private final Draw d;
    private final VecDriver driver;

    VecAppends(Fuzz fuzz, VecDriver driver) {
        this.fuzz = fuzz;
        this.d = fuzz.draw;
        this.driver = driver;
    }

    /** A segment holding one element {@code v}, sometimes one byte too long or short, or closed. */
    MemorySegment element(VecModel m, long v, boolean[] badSize, boolean[] closed) {
        int c = d.nextInt(20);
        if (c == 0) {
            badSize[0] = true;
            return MemorySegment.ofArray(new byte[(int) m.stride + (d.oneIn(2) ? 1 : -1)]);
        }
        MemorySegment s = m.elements(new long[] {v}, 0, 1);
        if (c == 1) {
            Arena a = Arena.ofConfined();
            MemorySegment n = a.allocate(m.stride).copyFrom(s);
            a.close();
            closed[0] = true;
            return n;
        }
        return s;
    }

    void add(VecModel m) {
        boolean other = fuzz.onOther(3);
        long v = driver.value(m);
        boolean full = m.size >= m.vec.maxCapacity();
        if (m.kind != VecModel.LAYOUT) {
            if (driver.run(m, "add(" + v + ")", driver.writer(m, other).when(full, OutOfNativeMemoryError.class)
                    .may(OutOfNativeMemoryError.class), () -> VecCalls.add(m.vec, v))) {
                m.add(v);
            }
            return;
        }
        LayoutVec lv = (LayoutVec) m.vec;
        if (d.oneIn(2)) {
            MemorySegment[] out = new MemorySegment[1];
            if (driver.run(m, "add()", driver.writer(m, other).when(full, OutOfNativeMemoryError.class)
                    .may(OutOfNativeMemoryError.class), () -> out[0] = lv.add())) {
                Fuzz.check(out[0].byteSize() == m.stride && m.matches(out[0], 0, 0), m + ".add(): not a zeroed element");
                m.add(0);
                if (v != 0) {
                    m.write(out[0], 0, v);   // in place, through the returned segment
                    m.elems[m.size - 1] = v;
                }
            }
            return;
        }
        boolean[] bad = new boolean[1];
        boolean[] closed = new boolean[1];
        MemorySegment e = element(m, v, bad, closed);
        if (driver.run(m, "add(segment " + v + ")", driver.writer(m, other).when(bad[0], IllegalArgumentException.class)
                .when(closed[0], IllegalStateException.class).when(closed[0] && other, WrongThreadException.class).when(full, OutOfNativeMemoryError.class)
                .may(OutOfNativeMemoryError.class), () -> lv.add(e))) {
            m.add(v);
        }
    }

    void addAll(VecModel m) {
        if (m.kind == VecModel.LAYOUT) {
            addAllSegment(m);
            return;
        }
        boolean other = fuzz.onOther(3);
        int n = d.oneIn(30) ? d.nextInt(20_000) : d.nextInt(300);
        long[] xs = new long[n];
        for (int i = 0; i < n; i++) {
            xs[i] = driver.value(m);
        }
        boolean whole = d.oneIn(3);
        int offset = whole ? 0 : (int) d.index(n);
        int length = whole ? n : (int) d.index(n - Math.max(0, Math.min(offset, n)));
        boolean badRange = !whole && (offset < 0 || length < 0 || offset > n - length);
        long count = whole ? n : length;
        boolean full = !badRange && count > m.vec.maxCapacity() - m.size;
        if (driver.run(m, "addAll(array of " + n + (whole ? "" : ", " + offset + ", " + length) + ")", driver.writer(m, other)
                .when(badRange, IndexOutOfBoundsException.class).when(full, OutOfNativeMemoryError.class)
                .may(OutOfNativeMemoryError.class), () -> VecCalls.addAll(m.vec, xs, offset, length, whole))) {
            for (int i = 0; i < count; i++) {
                m.add(xs[offset + i]);
            }
        }
    }

    void addAllSegment(VecModel m) {
        boolean other = fuzz.onOther(3);
        int n = d.nextInt(200);
        long[] xs = new long[n];
        for (int i = 0; i < n; i++) {
            xs[i] = driver.value(m);
        }
        MemorySegment source;
        boolean bad = false;
        boolean closed = false;
        String what;
        int c = d.nextInt(10);
        if (c == 0 && !m.closed && m.size > 0) {
            long from = d.nextLong(m.size);
            long k = 1 + d.nextLong(m.size - from);
            source = m.vec.segment().asSlice(from * m.stride, k * m.stride);   // a view of itself
            xs = Arrays.copyOfRange(m.elems, (int) from, (int) (from + k));
            what = "addAll(its own elements [" + from + ", +" + k + "))";
        } else if (c == 1) {
            source = MemorySegment.ofArray(new byte[(int) (n * m.stride + 1 + d.nextInt((int) m.stride - 1 + 1))]);
            bad = source.byteSize() % m.stride != 0;
            xs = new long[(int) (source.byteSize() / m.stride)];   // zero bytes: element 0 of every kind
            what = "addAll(segment of " + source.byteSize() + " bytes)";
        } else if (c == 2) {
            Arena a = Arena.ofConfined();
            source = a.allocate(n * m.stride + 1).asSlice(0, n * m.stride);
            a.close();
            closed = true;
            what = "addAll(closed segment of " + n + ")";
        } else {
            source = m.elements(xs, 0, n);
            what = "addAll(segment of " + n + ")";
        }
        long count = source.byteSize() / m.stride;
        boolean full = !bad && count > m.vec.maxCapacity() - m.size;
        long[] added = xs;
        Expect e = driver.writer(m, other).when(bad, IllegalArgumentException.class)
                .when(closed, IllegalStateException.class).when(closed && other, WrongThreadException.class).when(full, OutOfNativeMemoryError.class)
                .may(OutOfNativeMemoryError.class);
        if (driver.run(m, what, e, () -> {
            if (m.vec instanceof LayoutVec lv) {
                lv.addAll(source);
            } else {
                VecCalls.addAll(m.vec, source);
            }
        })) {
            for (long x : added) {
                m.add(x);
            }
        }
    }

    void addAllVec(VecModel m, List<VecModel> all) {
        VecModel o = d.oneIn(3) ? m : d.pick(all);
        if (o.kind != m.kind) {
            o = m;
        }
        VecModel src = o;
        boolean other = fuzz.onOther(3);
        boolean mismatch = m.kind == VecModel.LAYOUT && !src.layout.equals(m.layout);
        long count = src.closed ? 0 : src.size;
        boolean full = count > m.vec.maxCapacity() - m.size;
        Expect e = driver.writer(m, other).when(src.closed, IllegalStateException.class)
                .when(other && !src.shared, WrongThreadException.class)
                .when(mismatch, IllegalArgumentException.class).when(full && !src.closed && !mismatch,
                        OutOfNativeMemoryError.class).may(OutOfNativeMemoryError.class);
        long[] copied = Arrays.copyOf(src.elems, src.size);
        if (driver.run(m, "addAll(" + src + ")", e, () -> {
            if (m.vec instanceof LayoutVec lv) {
                lv.addAll((LayoutVec) src.vec);
            } else {
                VecCalls.addAllVec(m.vec, src.vec);
            }
        })) {
            for (long x : copied) {
                m.add(x);
            }
        }
    }
}
