package dev.jalloc.fuzz;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.vector.DoubleVec;
import dev.jalloc.vector.IntVec;
import dev.jalloc.vector.LayoutVec;
import dev.jalloc.vector.LongVec;
import dev.jalloc.vector.Vec;
import dev.jalloc.vector.VecBuilder;
import java.lang.foreign.MemoryLayout;
import java.util.List;

/**
 * Builds vectors of every kind: {@code create()} factories (the 64 GiB default reservation), builders with valid
 * and invalid reservations and commit steps, shared or confined, populated or not, layouts that can and cannot be
 * elements, and vectors on the tail of an arena (open, closed, lending its tail, over heap memory, from the wrong
 * thread).
 */
final class VecBuilds {
    private static final long PAGE = dev.jalloc.internal.os.Os.current().pageSize();

    /** Element layouts a vector accepts: 12 bytes aligned to 4, 16 padded, 3 bytes, 64 aligned to 64, a page. */
    static final List<MemoryLayout> LAYOUTS = List.of(
            MemoryLayout.structLayout(JAVA_INT.withName("x"), JAVA_INT.withName("y"), JAVA_INT.withName("z")),
            MemoryLayout.structLayout(JAVA_LONG, JAVA_BYTE, MemoryLayout.paddingLayout(7)),
            MemoryLayout.sequenceLayout(3, JAVA_BYTE),
            MemoryLayout.structLayout(JAVA_LONG, MemoryLayout.paddingLayout(56)).withByteAlignment(64),
            MemoryLayout.sequenceLayout(512, JAVA_LONG).withByteAlignment(4096));
    /** Layouts no vector accepts: empty, size not a multiple of the alignment, aligned above the page. */
    static final List<MemoryLayout> BAD_LAYOUTS = List.of(
            MemoryLayout.structLayout(),
            MemoryLayout.structLayout(JAVA_INT, JAVA_BYTE),
            MemoryLayout.sequenceLayout(1024, JAVA_LONG).withByteAlignment(8192));

    private final Fuzz fuzz;
    private final Draw d;
    private int made;

    VecBuilds(Fuzz fuzz) {
        this.fuzz = fuzz;
        this.d = fuzz.draw;
    }

    private MemoryLayout layout() {
        return d.oneIn(8) ? d.pick(BAD_LAYOUTS) : d.pick(LAYOUTS);
    }

    private static boolean acceptable(MemoryLayout l) {
        return l.byteSize() > 0 && l.byteSize() % l.byteAlignment() == 0 && l.byteAlignment() <= 4096;
    }

    /** {@return a vector with its own reservation, or null if the build was refused} */
    VecModel build() {
        int kind = d.nextInt(4);
        MemoryLayout layout = kind == VecModel.LAYOUT ? layout() : null;
        String name = "vec" + made++ + "(" + new String[] {"int", "long", "double", "layout " + layout}[kind];
        Vec[] out = new Vec[1];
        boolean shared = false;
        long reserve = Vec.DEFAULT_RESERVE_SIZE;
        if (d.oneIn(10)) {
            name += ", create()";
            Expect e = Expect.of().when(layout != null && !acceptable(layout), IllegalArgumentException.class)
                    .may(OutOfNativeMemoryError.class);
            fuzz.call(name + ")", e, () -> out[0] = switch (kind) {
                case VecModel.INTS -> IntVec.create();
                case VecModel.LONGS -> LongVec.create();
                case VecModel.DOUBLES -> DoubleVec.create();
                default -> LayoutVec.create(layout);
            });
        } else {
            VecBuilder[] box = new VecBuilder[1];
            fuzz.call("Vec.builder()", Expect.of(), () -> box[0] = Vec.builder());
            VecBuilder b = box[0];
            int setters = 1 + d.nextInt(5);
            boolean reserveSet = false;
            for (int i = 0; i < setters || !reserveSet && !d.oneIn(6); i++) {
                switch (d.nextInt(5)) {
                    case 0, 1 -> {
                        long v = d.builderSize(16 << 10, 8 << 20);
                        boolean bad = v <= 0 || v > Draw.MAX_SIZE;
                        if (fuzz.call("vecBuilder.reserveSize(" + v + ")", Expect.of().when(bad,
                                IllegalArgumentException.class), () -> b.reserveSize(v)) == null) {
                            reserve = v;
                            reserveSet = true;
                        }
                    }
                    case 2 -> {
                        long v = d.builderSize(4096, 1 << 20);
                        boolean bad = v <= 0 || v > Draw.MAX_SIZE;
                        fuzz.call("vecBuilder.commitStep(" + v + ")", Expect.of().when(bad,
                                IllegalArgumentException.class), () -> b.commitStep(v));
                    }
                    case 3 -> {
                        boolean v = d.chance(40);
                        fuzz.call("vecBuilder.shared(" + v + ")", Expect.of(), () -> b.shared(v));
                        shared = v;
                    }
                    default -> {
                        boolean v = d.chance(50);
                        fuzz.call("vecBuilder.populate(" + v + ")", Expect.of(), () -> b.populate(v));
                    }
                }
            }
            name += ", reserve " + reserve + (shared ? ", shared" : "");
            long elementSize = layout != null ? layout.byteSize() : kind == VecModel.INTS ? 4 : 8;
            Expect e = Expect.of().when(layout != null && !acceptable(layout), IllegalArgumentException.class)
                    .when(elementSize > Math.ceilDiv(reserve, PAGE) * PAGE, IllegalArgumentException.class)
                    .may(OutOfNativeMemoryError.class);
            fuzz.call(name + ")", e, () -> out[0] = switch (kind) {
                case VecModel.INTS -> b.ofInts();
                case VecModel.LONGS -> b.ofLongs();
                case VecModel.DOUBLES -> b.ofDoubles();
                default -> b.of(layout);
            });
        }
        if (out[0] == null) {
            return null;
        }
        VecModel m = new VecModel(out[0], kind, name + ")", shared, null, fuzz.memory);
        made(m);
        return m;
    }

    private void made(VecModel m) {
        Vec v = m.vec;
        Fuzz.check(v.size() == 0 && v.capacity() >= 0 && v.maxCapacity() == v.reservedBytes() / m.stride,
                m + ": new vector " + v + ", maxCapacity " + v.maxCapacity());
        fuzz.memory.occupy(m.address, m.address + v.reservedBytes(), m.name);
    }

    /** {@return a vector on the tail of {@code a}, or null if that was (rightly) refused} */
    VecModel onTail(ArenaModel a) {
        int kind = d.nextInt(4);
        MemoryLayout layout = kind == VecModel.LAYOUT ? layout() : null;
        // From the other thread only where the contract says it is refused: a vector built there is owned there.
        boolean other = !a.shared && fuzz.onOther(5);
        boolean callerBlock = !a.closed && a.inCallerBlock();
        Expect e = Expect.of().when(layout != null && !acceptable(layout), IllegalArgumentException.class)
                .when(a.closed || a.tail != null, IllegalStateException.class)
                .when(other, WrongThreadException.class)
                .when(callerBlock && a.callerClosed(), IllegalStateException.class)
                .when(!a.closed && a.heapBacked && a.inCallerBlock(), UnsupportedOperationException.class)
                .may(OutOfNativeMemoryError.class);
        String name = "vec" + made++ + "(" + new String[] {"int", "long", "double", "layout " + layout}[kind]
                + " on " + a + ")";
        long[] before = a.observe();
        Vec[] out = new Vec[1];
        Throwable t = fuzz.call(name, e, () -> out[0] = switch (kind) {
            case VecModel.INTS -> IntVec.onTailOf(a.arena);
            case VecModel.LONGS -> LongVec.onTailOf(a.arena);
            case VecModel.DOUBLES -> DoubleVec.onTailOf(a.arena);
            default -> LayoutVec.onTailOf(a.arena, layout);
        });
        if (t != null) {
            Fuzz.unchanged(name, t, before, a.observe());
            return null;
        }
        VecModel m = new VecModel(out[0], kind, name, a.shared, a, fuzz.memory);
        long step = a.arena.commitStep();
        Fuzz.check(m.vec.commitStep() == step, name + ": commit step " + m.vec.commitStep()
                + ", the arena's is " + a.arena.commitStep());
        made(m);
        a.tail = m;
        return m;
    }
}
