package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.os.Os;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An allocator on an arena's tail commits and purges through the arena: at every step the arena's committed bytes
 * are its own part below the tail plus the allocator's, purges included, and after the allocator closes the arena
 * keeps a committed prefix with no holes in it (what it counts is what the OS charges).
 */
class TailAccountingTest {
    static final long PAGE = Os.current().pageSize();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "bestfit"})
    void theArenaAndTheAllocatorOnItsTailCountTheSamePages(String kind) {
        Function<LinearArena, AddressAllocator> onTail = kind.equals("heap") ? Heap::onTailOf : BestFitAllocator::onTailOf;
        try (LinearArena arena = LinearArena.builder().reserveSize(1L << 30).commitStep(64 << 10).build()) {
            arena.push(10_000);
            long below = ((arena.pos() + PAGE - 1) / PAGE) * PAGE;   // the tail starts on the next OS page
            AddressAllocator a = onTail.apply(arena);
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                live.add(a.allocateAddress(16 + (i * 37) % 5000, 16));
                if (i % 200 == 0) {
                    live.add(a.allocateAddress(300_000 + i * 100, 16));   // large spans, freed below
                }
            }
            assertEquals(arena.committedBytes() - below, a.committedBytes(), "after allocating");
            for (int i = 0; i < live.size(); i += 2) {
                a.free(live.get(i));
            }
            a.trim();
            a.check();
            assertEquals(arena.committedBytes() - below, a.committedBytes(), "after purging free pages");
            long beforeClose = arena.committedBytes();
            a.close();
            assertTrue(arena.committedBytes() <= beforeClose, "closing the allocator committed more");
            // The prefix the arena keeps has no holes: pushing over all of it and popping back is consistent, and a
            // trim purges exactly what is above the position.
            long pos = arena.pos();
            arena.push(4 << 20).fill((byte) 1);
            arena.popTo(pos);
            arena.trim();
            assertEquals(((pos + PAGE - 1) / PAGE) * PAGE, arena.committedBytes(),
                    "after trim the arena holds the pages under its position, no more, no less");
        }
    }
}
