package dev.jalloc.fuzz;

import static dev.jalloc.fuzz.Draw.validAlign;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.arena.LinearArenaBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Builds arenas of every growth mode and option: {@code ofFixed(long)}, {@code ofFixed(MemorySegment)} over
 * confined, shared, automatic, heap, read-only and closed memory, {@code ofChained()}, {@code ofVirtual()}, and
 * builders whose setters get valid and invalid values in random order. Checks that what was built reports the
 * options asked for.
 */
final class ArenaBuilds {
    private final Fuzz fuzz;
    private final Draw d;
    private int made;

    ArenaBuilds(Fuzz fuzz) {
        this.fuzz = fuzz;
        this.d = fuzz.draw;
    }

    /** {@return a new arena's model, or null if the build was (rightly) refused} */
    ArenaModel build() {
        int kind = d.nextInt(100);
        String name = "arena" + made++;
        LinearArena[] out = new LinearArena[1];
        if (kind < 14) {
            long size = d.builderSize(4096, 2 << 20);
            Expect e = Expect.of().when(size <= 0 || size > Draw.MAX_SIZE, IllegalArgumentException.class)
                    .may(OutOfNativeMemoryError.class);
            name += "(fixed " + size + ")";
            if (fuzz.call("LinearArena.ofFixed(" + size + ")", e, () -> out[0] = LinearArena.ofFixed(size)) != null) {
                return null;
            }
            return made(new ArenaModel(out[0], name, null, null), LinearArena.Growth.FIXED);
        }
        if (kind < 24) {
            return overCallerMemory(name, null);
        }
        if (kind < 34) {
            name += "(chained)";
            fuzz.call("LinearArena.ofChained()", Expect.of().may(OutOfNativeMemoryError.class),
                    () -> out[0] = LinearArena.ofChained());
            return out[0] == null ? null : made(new ArenaModel(out[0], name, null, null), LinearArena.Growth.CHAINED);
        }
        if (kind < 37) {
            name += "(virtual 64 GiB)";
            fuzz.call("LinearArena.ofVirtual()", Expect.of().may(OutOfNativeMemoryError.class),
                    () -> out[0] = LinearArena.ofVirtual());
            return out[0] == null ? null : made(new ArenaModel(out[0], name, null, null), LinearArena.Growth.VIRTUAL);
        }
        return fromBuilder(name);
    }

    private ArenaModel made(ArenaModel m, LinearArena.Growth growth) {
        Fuzz.check(m.arena.growth() == growth && m.arena.pos() == 0 && m.arena.blockCount() == 1,
                m + ": built as " + m.arena + ", expected " + growth + " at pos 0 with one block");
        return m;
    }

    /** A caller segment of {@code size} bytes from a source drawn at random: {memory, its arena or null}. */
    private Object[] callerMemory(long size) {
        return switch (d.nextInt(6)) {
            case 0, 1 -> {
                Arena a = Arena.ofConfined();
                yield new Object[] {a.allocate(size, 4096), a, "confined"};
            }
            case 2 -> {
                Arena a = Arena.ofShared();
                yield new Object[] {a.allocate(size, 16), a, "shared"};
            }
            case 3 -> new Object[] {Arena.ofAuto().allocate(size, 8), null, "auto"};
            case 4 -> new Object[] {MemorySegment.ofArray(new byte[(int) size]), null, "heap"};
            default -> {
                Arena a = Arena.ofConfined();
                MemorySegment s = a.allocate(size, 64);
                a.close();   // already closed when the arena is built over it
                yield new Object[] {s, a, "closed"};
            }
        };
    }

    /** ofFixed(segment), or a builder over it: {@code b} is null for the factory. */
    private ArenaModel overCallerMemory(String name, LinearArenaBuilder b) {
        long size = d.oneIn(10) ? d.nextInt(64) : 4096 + d.nextInt(1 << 20);
        Object[] c = callerMemory(size);
        MemorySegment memory = (MemorySegment) c[0];
        Arena owner = (Arena) c[1];
        boolean readOnly = d.oneIn(10);
        MemorySegment given = readOnly ? memory.asReadOnly() : memory;
        LinearArena[] out = new LinearArena[1];
        boolean closed = !memory.scope().isAlive();
        name += "(over " + c[2] + " memory of " + size + (readOnly ? ", read-only" : "") + ")";
        if (b == null) {
            Expect e = Expect.of().when(readOnly, IllegalArgumentException.class)
                    .when(closed, IllegalStateException.class).may(OutOfNativeMemoryError.class);
            if (fuzz.call("LinearArena.ofFixed(" + c[2] + " segment of " + size + ")", e,
                    () -> out[0] = LinearArena.ofFixed(given)) != null) {
                return null;
            }
            return made(new ArenaModel(out[0], name, memory, owner), LinearArena.Growth.FIXED);
        }
        if (fuzz.call("builder.over(" + c[2] + " segment of " + size + ")",
                Expect.of().when(readOnly, IllegalArgumentException.class), () -> b.over(given)) != null) {
            return null;
        }
        return new ArenaModel(null, name, memory, owner);   // the builder's caller builds it
    }

    private ArenaModel fromBuilder(String name) {
        LinearArenaBuilder[] box = new LinearArenaBuilder[1];
        fuzz.call("LinearArena.builder()", Expect.of(), () -> box[0] = LinearArena.builder());
        LinearArenaBuilder b = box[0];
        long reserve = -1;
        long step = -1;
        long retain = LinearArena.DEFAULT_RETAIN;
        long autoAlign = LinearArena.DEFAULT_AUTO_ALIGN;
        boolean chaining = false;
        boolean shared = false;
        boolean checked = false;
        ArenaModel over = null;
        int setters = 2 + d.nextInt(8);
        for (int i = 0; i < setters; i++) {
            switch (d.nextInt(10)) {
                case 0, 1 -> {
                    long v = d.oneIn(8) ? Draw.EDGE_SIZES[d.nextInt(Draw.EDGE_SIZES.length)]
                            : d.builderSize(16 << 10, 16 << 20);
                    boolean bad = v <= 0 || v > Draw.MAX_SIZE;
                    if (!bad && v > (1L << 40) && !d.oneIn(4)) {
                        v = 1 << 20;   // 64 TiB reservations: now and then, not every time
                    }
                    long value = v;
                    if (fuzz.call("builder.reserveSize(" + v + ")", Expect.of().when(bad, IllegalArgumentException.class),
                            () -> b.reserveSize(value)) == null) {
                        reserve = v;
                    }
                }
                case 2 -> {
                    long v = d.builderSize(4096, 1 << 20);
                    boolean bad = v <= 0 || v > Draw.MAX_SIZE;
                    if (fuzz.call("builder.commitStep(" + v + ")", Expect.of().when(bad, IllegalArgumentException.class),
                            () -> b.commitStep(v)) == null) {
                        step = v;
                    }
                }
                case 3 -> {
                    long v = d.oneIn(5) ? Draw.EDGE_SIZES[d.nextInt(Draw.EDGE_SIZES.length)] : d.nextInt(8 << 20);
                    boolean bad = v < 0 || v > Draw.MAX_SIZE;
                    if (fuzz.call("builder.retainBytes(" + v + ")", Expect.of().when(bad, IllegalArgumentException.class),
                            () -> b.retainBytes(v)) == null) {
                        retain = v;
                    }
                }
                case 4 -> {
                    long v = d.align();
                    if (fuzz.call("builder.autoAlign(" + v + ")", Expect.of().when(!validAlign(v),
                            IllegalArgumentException.class), () -> b.autoAlign(v)) == null) {
                        autoAlign = v;
                    }
                }
                case 5 -> {
                    boolean v = d.chance(60);
                    fuzz.call("builder.chaining(" + v + ")", Expect.of(), () -> b.chaining(v));
                    chaining = v;
                }
                case 6 -> {
                    boolean v = d.chance(40);
                    fuzz.call("builder.shared(" + v + ")", Expect.of(), () -> b.shared(v));
                    shared = v;
                }
                case 7 -> {
                    boolean v = d.chance(40);
                    fuzz.call("builder.checked(" + v + ")", Expect.of(), () -> b.checked(v));
                    checked = v;
                }
                case 8 -> {
                    boolean v = d.chance(30);
                    fuzz.call("builder.largePages(" + v + ")", Expect.of(), () -> b.largePages(v));
                }
                default -> {
                    if (d.oneIn(3)) {
                        fuzz.call("builder.over(null)", Expect.of().when(true, NullPointerException.class),
                                () -> b.over(null));
                    } else if (over == null || d.oneIn(4)) {
                        ArenaModel o = overCallerMemory(name, b);
                        over = o != null ? o : over;
                    }
                }
            }
        }
        if (reserve < 0 && !d.oneIn(8)) {
            long v = d.builderSize(64 << 10, 32 << 20);
            if (v > 0 && v <= (1L << 40)) {
                fuzz.call("builder.reserveSize(" + v + ")", Expect.of(), () -> b.reserveSize(v));
                reserve = v;
            }
        }
        boolean callerConfined = over != null && over.callerArena != null
                && !over.callerMemory.isAccessibleBy(fuzz.other.thread());
        boolean callerClosed = over != null && over.callerClosed();
        Expect e = Expect.of().when(callerClosed, IllegalStateException.class)
                .when(shared && callerConfined, IllegalArgumentException.class).may(OutOfNativeMemoryError.class);
        String what = "builder.build() [reserve " + reserve + ", step " + step + ", retain " + retain + ", autoAlign "
                + autoAlign + ", chaining " + chaining + ", shared " + shared + ", checked " + checked
                + (over != null ? ", " + over.name : "") + "]";
        LinearArena[] out = new LinearArena[1];
        if (fuzz.call(what, e, () -> out[0] = b.build()) != null) {
            return null;
        }
        LinearArena a = out[0];
        name += "(built" + (over != null ? " " + over.name.substring(over.name.indexOf('(')) : "")
                + (shared ? ", shared" : "") + (checked ? ", checked" : "") + (chaining ? ", chained" : "") + ")";
        Fuzz.check(a.isShared() == shared && a.isChecked() == checked && a.isChaining() == chaining
                && a.autoAlign() == autoAlign && a.retainBytes() == retain && a.pos() == 0 && a.blockCount() == 1
                && a.commitStep() <= Math.max(a.reserveSize(), a.pageSize()),
                what + " built " + a + " (autoAlign " + a.autoAlign() + ", retain " + a.retainBytes() + ")");
        if (reserve > 0) {
            Fuzz.check(a.reserveSize() >= reserve, what + ": reserveSize() " + a.reserveSize());
        }
        return new ArenaModel(a, name, over == null ? null : over.callerMemory, over == null ? null : over.callerArena);
    }
}
