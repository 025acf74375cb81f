package dev.jalloc.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.testing.ProcMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Nothing leaks: after {@code close()} no mapping the arena made is left in {@code /proc/self/maps}.
 *
 * <p>Each check first proves that the arena's ranges are mapped before close (so the check can fail), then that
 * no mapping identical to one seen before close overlaps them afterwards. A mapping that another JVM thread
 * made in a freed range in between is new, and is not mistaken for a leak.
 */
class MappingsTest {

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(ProcMaps.available(), "no /proc/self/maps on this system");
    }

    static List<Arguments> arenas() {
        return List.of(
                Arguments.of("fixed", (Supplier<LinearArena>) () -> LinearArena.ofFixed(3 << 20)),
                Arguments.of("chained", (Supplier<LinearArena>) () -> LinearArena.builder().reserveSize(256 << 10)
                        .commitStep(256 << 10).chaining(true).retainBytes(0).build()),
                Arguments.of("virtual", (Supplier<LinearArena>) () -> LinearArena.builder().retainBytes(0).build()),
                Arguments.of("virtual+chained", (Supplier<LinearArena>) () -> LinearArena.builder()
                        .reserveSize(1 << 20).commitStep(64 << 10).chaining(true).build()),
                Arguments.of("shared, checked, large pages", (Supplier<LinearArena>) () -> LinearArena.builder()
                        .shared(true).checked(true).largePages(true).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arenas")
    void closeReturnsEveryMapping(String mode, Supplier<LinearArena> factory) {
        LinearArena arena = factory.get();
        // Grow, pop (making spares and purged ranges), grow again, with a temp open at close.
        for (int i = 0; i < 10; i++) {
            arena.pushNoInit(200 << 10).fill((byte) i);
        }
        arena.popTo(100);
        arena.push(300 << 10);
        Temp open = arena.temp();
        open.allocate(1000);
        List<long[]> ranges = arena.osRanges();
        assertFalse(ranges.isEmpty());
        List<ProcMaps.Mapping> before = ProcMaps.read();
        for (long[] r : ranges) {
            assertEquals(r[1], ProcMaps.coveredBytes(before, r[0], r[0] + r[1]),
                    mode + ": range " + Long.toHexString(r[0]) + " +" + r[1] + " should be mapped before close");
        }
        arena.close();
        List<ProcMaps.Mapping> after = ProcMaps.read();
        for (long[] r : ranges) {
            assertEquals(List.of(), ProcMaps.leftovers(before, after, r[0], r[0] + r[1]), mode + ": leftovers");
        }
        assertEquals(0, arena.reservedBytes());
        assertEquals(0, arena.committedBytes());
    }

    @Test
    void scratchMemoryOfAThreadThatEndsIsReturned() throws Exception {
        List<long[]> ranges = new ArrayList<>();
        List<List<ProcMaps.Mapping>> before = new ArrayList<>();
        Thread worker = Thread.ofPlatform().start(() -> {
            try (Temp t = Scratch.begin()) {
                t.allocate(1 << 20);
                ranges.addAll(t.arena().osRanges());
            }
            Temp leftOpen = Scratch.begin(); // the thread ends with a scratch temp open
            leftOpen.allocate(4096);
            try (Temp t = Scratch.begin(leftOpen.arena())) {
                ranges.addAll(t.arena().osRanges());
            }
            before.add(ProcMaps.read());
            // no Scratch.release(): the thread just ends
        });
        worker.join();
        assertFalse(ranges.isEmpty());
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<ProcMaps.Mapping> left;
        do {
            System.gc();
            Thread.sleep(50);
            List<ProcMaps.Mapping> now = ProcMaps.read();
            left = new ArrayList<>();
            for (long[] r : ranges) {
                left.addAll(ProcMaps.leftovers(before.get(0), now, r[0], r[0] + r[1]));
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), left, "the dead thread's scratch arenas were released");
    }

    @Test
    void scratchReleaseReturnsTheMappings() {
        List<long[]> ranges = new ArrayList<>();
        try (Temp t = Scratch.begin()) {
            t.allocate(3 << 20);
            ranges.addAll(t.arena().osRanges());
        }
        try (Temp first = Scratch.begin(); Temp second = Scratch.begin(first.arena())) {
            ranges.addAll(second.arena().osRanges());
        }
        List<ProcMaps.Mapping> before = ProcMaps.read();
        Scratch.release();
        List<ProcMaps.Mapping> after = ProcMaps.read();
        for (long[] r : ranges) {
            assertEquals(List.of(), ProcMaps.leftovers(before, after, r[0], r[0] + r[1]));
        }
    }
}
