package dev.jalloc.arena;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jalloc.testing.Seeds;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Randomized model test: {@value #OPERATIONS} random operations per growth mode against a plain model of a
 * linear arena (a position, a stack of live allocations, a stack of temps). After every operation the model
 * checks the position; every push is checked for size, alignment, zeroing and overlap with every live
 * allocation; every live allocation's bytes are checked when it is popped and, for a random sample, along the
 * way. Print the seed on failure and replay with {@code -Djalloc.test.seed=N}.
 */
class LinearArenaModelTest {
    static final int OPERATIONS = 1_000_000;

    /** One live allocation: where it is, how big, and the byte it was filled with. */
    record Live(long pos, long address, MemorySegment segment, byte fill) {
    }

    static List<Arguments> modes() {
        return List.of(
                Arguments.of("fixed", (Supplier<LinearArena>) () -> LinearArena.ofFixed(8 << 20), false),
                Arguments.of("chained", (Supplier<LinearArena>) () -> LinearArena.builder()
                        .reserveSize(256 << 10).commitStep(256 << 10).chaining(true).retainBytes(512 << 10)
                        .build(), true),
                Arguments.of("virtual", (Supplier<LinearArena>) () -> LinearArena.builder()
                        .commitStep(64 << 10).retainBytes(1 << 20).build(), true),
                Arguments.of("virtual+chained", (Supplier<LinearArena>) () -> LinearArena.builder()
                        .reserveSize(1 << 20).commitStep(32 << 10).chaining(true).retainBytes(256 << 10)
                        .build(), true),
                Arguments.of("virtual+chained, checked", (Supplier<LinearArena>) () -> LinearArena.builder()
                        .reserveSize(1 << 20).commitStep(32 << 10).chaining(true).checked(true)
                        .build(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void randomOperationsAgreeWithTheModel(String mode, Supplier<LinearArena> factory, boolean grows) {
        SplittableRandom random = Seeds.random("LinearArenaModelTest[" + mode + "]");
        try (LinearArena arena = factory.get()) {
            new Model(arena, random, grows).run(OPERATIONS);
        }
    }

    /** The model and the driver. */
    static final class Model {
        final LinearArena arena;
        final SplittableRandom random;
        final boolean grows;
        final Deque<Live> live = new ArrayDeque<>();
        final TreeMap<Long, Long> byAddress = new TreeMap<>();
        /**
         * Positions never handed out: (end of a block's used part, start of the next block's first push), open at
         * both ends. A push or aligner that skips ahead has moved to a new block; pops below a gap remove it.
         */
        final TreeMap<Long, Long> gaps = new TreeMap<>();
        final Deque<Temp> temps = new ArrayDeque<>();
        final Deque<Integer> tempDepths = new ArrayDeque<>();
        long pos;
        long step;
        byte nextFill = 1;

        Model(LinearArena arena, SplittableRandom random, boolean grows) {
            this.arena = arena;
            this.random = random;
            this.grows = grows;
        }

        void run(int operations) {
            for (step = 0; step < operations; step++) {
                int op = random.nextInt(100);
                if (op < 45) {
                    push(true);
                } else if (op < 65) {
                    push(false);
                } else if (op < 68) {
                    pushAligner();
                } else if (op < 78) {
                    popToRandomLive();
                } else if (op < 83) {
                    popBytes();
                } else if (op < 88) {
                    beginTemp();
                } else if (op < 93) {
                    endTemp();
                } else if (op < 94 && random.nextInt(20) == 0) {
                    clear();
                } else {
                    verifySample();
                }
                if (arena.pos() != pos) {
                    fail("step " + step + ": pos " + arena.pos() + ", model says " + pos);
                }
                if (step % 9973 == 0) {   // the resident bytes ask the kernel about every block: not every step
                    checkStats(step);
                }
            }
            while (!temps.isEmpty()) {
                endTemp();
            }
            verifyAll();
        }

        long randomSize() {
            int r = random.nextInt(1000);
            if (r < 700) {
                return random.nextInt(64);
            }
            if (r < 980) {
                return random.nextInt(4096);
            }
            return random.nextInt(grows ? 300_000 : 65_536);
        }

        void push(boolean zeroed) {
            long size = randomSize();
            long align = 1L << random.nextInt(random.nextInt(20) == 0 ? 13 : 7);
            MemorySegment s;
            int blocks = arena.blockCount();
            try {
                s = zeroed ? arena.push(size, align) : arena.pushNoInit(size, align);
            } catch (OutOfMemoryError e) {
                if (grows) {
                    throw e;
                }
                // A fixed arena is full: the model says nothing moved; make room and go on.
                assertEquals(pos, arena.pos(), "a refused push moved pos");
                clear();
                return;
            }
            assertEquals(size, s.byteSize());
            assertEquals(0, s.address() % align, "alignment");
            long start = arena.pos() - size;
            long padded = alignUp(pos, align);
            if (start != padded) {
                // Only a move to a new block may skip ahead.
                assertTrue(grows && start > pos, "step " + step + ": push started at " + start + ", expected "
                        + padded);
            }
            if (zeroed) {
                checkBytes(s, (byte) 0, "zeroed push");
            }
            checkNoOverlap(s.address(), size);
            byte fill = nextFill++;
            if (nextFill == 0 || nextFill == LinearArena.POISON) {
                nextFill = 1;
            }
            s.fill(fill);
            live.push(new Live(start, s.address(), s, fill));
            byAddress.put(s.address(), s.address() + size);
            if (arena.blockCount() > blocks) {
                gaps.put(pos, start);   // moved to a new block: what lies between was never handed out
            }
            pos = arena.pos();
        }

        void pushAligner() {
            long align = 1L << random.nextInt(10);
            int blocks = arena.blockCount();
            arena.pushAligner(align);
            long expected = alignUp(pos, align);
            if (arena.pos() != expected) {
                assertTrue(grows && arena.pos() > pos && arena.pos() % align == 0, "aligner");
            }
            if (arena.blockCount() > blocks) {
                gaps.put(pos, arena.pos());
            }
            pos = arena.pos();
        }

        /** The arena's statistics record against the model's position and the arena's own getters. */
        void checkStats(long step) {
            ArenaStats stats = arena.stats();
            assertEquals(pos, stats.liveBytes(), () -> "step " + step + ": stats " + stats);
            assertEquals(arena.blockCount(), stats.blocks(), () -> "step " + step + ": stats " + stats);
            assertEquals(arena.committedBytes(), stats.committedBytes(), () -> "step " + step + ": stats " + stats);
            assertTrue(stats.peakCommittedBytes() >= stats.committedBytes(), () -> "step " + step + ": " + stats);
            assertTrue(stats.residentBytes() <= stats.committedBytes(), () -> "step " + step + ": " + stats);
        }

        void checkNoOverlap(long address, long size) {
            if (size == 0) {
                return;
            }
            Map.Entry<Long, Long> below = byAddress.floorEntry(address + size - 1);
            if (below != null && below.getValue() > address && below.getKey() < address + size) {
                fail("step " + step + ": [" + address + ", +" + size + ") overlaps a live allocation at "
                        + below.getKey());
            }
        }

        void popToRandomLive() {
            if (live.isEmpty()) {
                return;
            }
            int depth = random.nextInt(Math.min(live.size(), 50)) + 1;
            Live target = null;
            List<Live> popped = new ArrayList<>();
            for (Live l : live) {
                if (popped.size() == depth) {
                    break;
                }
                popped.add(l);
                target = l;
            }
            long to = Math.max(target.pos(), tempFloor());
            popTo(to);
        }

        void popBytes() {
            long floor = tempFloor();
            if (pos == floor) {
                return;
            }
            long n = random.nextLong(pos - floor + 1);
            Map.Entry<Long, Long> gap = gaps.lowerEntry(pos - n);
            if (gap != null && gap.getValue() > pos - n) {
                // Into an earlier block's unused reservation: never handed out, refused, nothing changes.
                long committed = arena.committedBytes();
                assertThrows(IndexOutOfBoundsException.class, () -> arena.pop(n), "pop into a gap");
                assertEquals(pos, arena.pos(), "a refused pop moved pos");
                assertEquals(committed, arena.committedBytes(), "a refused pop changed the committed bytes");
                assertThrows(IndexOutOfBoundsException.class, () -> arena.popTo(pos - n), "popTo into a gap");
                return;
            }
            arena.pop(n);
            dropAbove(pos - n);
        }

        /** The model does not pop below an open temp; the arena allows it, but then temps restore nothing. */
        long tempFloor() {
            return temps.isEmpty() ? 0 : temps.peek().startPos();
        }

        void popTo(long to) {
            arena.popTo(to);
            dropAbove(to);
        }

        void dropAbove(long to) {
            gaps.tailMap(to, true).clear();
            while (!live.isEmpty() && live.peek().pos() + live.peek().segment().byteSize() > to
                    && live.peek().pos() >= to) {
                Live l = live.pop();
                if (!arena.isChecked()) {
                    // Popped but still mapped: reading the bytes must not crash (they may have changed).
                    if (l.segment().byteSize() > 0) {
                        l.segment().get(JAVA_BYTE, 0);
                    }
                } else if (l.segment().byteSize() > 0 && l.segment().scope().isAlive()) {
                    checkBytes(l.segment(), LinearArena.POISON, "poisoned pop");
                }
                byAddress.remove(l.address());
            }
            // A live allocation straddling the new pos cannot exist: pops land on allocation boundaries or on
            // padding, except for pop(n), which may cut one. Cut ones are dropped from the model.
            while (!live.isEmpty() && live.peek().pos() + live.peek().segment().byteSize() > to) {
                Live l = live.pop();
                byAddress.remove(l.address());
            }
            pos = to;
        }

        void beginTemp() {
            if (temps.size() > 20) {
                return;
            }
            Temp t = arena.temp();
            assertEquals(pos, t.startPos());
            temps.push(t);
            tempDepths.push(live.size());
        }

        void endTemp() {
            if (temps.isEmpty()) {
                return;
            }
            Temp t = temps.pop();
            tempDepths.pop();
            List<Live> inTemp = new ArrayList<>();
            for (Live l : live) {
                if (l.pos() < t.startPos()) {
                    break;
                }
                inTemp.add(l);
            }
            t.close();
            if (arena.isChecked()) {
                for (Live l : inTemp) {
                    if (l.segment().byteSize() > 0 && l.segment().scope().isAlive()
                            && l.segment().scope() != arena.scope()) {
                        fail("step " + step + ": a segment of a closed temp is still alive");
                    }
                }
            }
            // The temp's allocations are the top of the stack.
            for (Live l : inTemp) {
                assertEquals(l, live.pop());
                byAddress.remove(l.address());
            }
            gaps.tailMap(t.startPos(), true).clear();
            pos = t.startPos();
        }

        void clear() {
            while (!temps.isEmpty()) {
                endTemp();
            }
            arena.clear();
            dropAbove(0);
        }

        void verifySample() {
            int n = 0;
            for (Live l : live) {
                if (n++ > 8) {
                    break;
                }
                checkBytes(l.segment(), l.fill(), "live allocation");
            }
            if (random.nextInt(2000) == 0) {
                verifyAll();
            }
        }

        void verifyAll() {
            for (Live l : live) {
                checkBytes(l.segment(), l.fill(), "live allocation");
            }
        }

        void checkBytes(MemorySegment s, byte expected, String what) {
            long size = s.byteSize();
            long pattern = (expected & 0xFFL) * 0x0101010101010101L;
            long i = 0;
            for (; i + 8 <= size; i += 8) {
                if (s.get(JAVA_LONG_UNALIGNED, i) != pattern) {
                    break;
                }
            }
            for (; i < size; i++) {
                if (s.get(JAVA_BYTE, i) != expected) {
                    fail("step " + step + ": " + what + ": byte " + i + " of " + size + " is "
                            + s.get(JAVA_BYTE, i) + ", expected " + expected);
                }
            }
        }
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
