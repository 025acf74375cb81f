package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.heap.HeapPicture.Kind;
import dev.jalloc.heap.HeapPicture.Run;
import dev.jalloc.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The heap's picture against its statistics: the runs cover the committed prefix in order without a gap, each
 * class's live slots add up to the class's live blocks, slabs and pools to its spans, large runs to its large
 * payloads, and the text twin draws it.
 */
class HeapPictureTest {

    @Test
    void confinedHeapPictureAgreesWithItsStatistics() {
        try (Heap heap = Heap.create(1L << 30)) {
            mixedWorkload(heap, Seeds.random("HeapPictureTest[confined]"));
            check(heap.picture());
            heap.trim();
            HeapPicture trimmed = heap.picture();
            check(trimmed);
            assertTrue(trimmed.pages(Kind.PURGED) > 0, "trim purged free pages:\n" + trimmed.toText());
        }
    }

    @Test
    void sharedHeapPictureShowsOwners() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            mixedWorkload(heap, Seeds.random("HeapPictureTest[shared]"));
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                other.submit(() -> mixedWorkload(heap, new SplittableRandom(7))).get();
            } finally {
                other.shutdown();
            }
            HeapPicture picture = heap.picture();
            check(picture);
            assertTrue(picture.runs().stream().filter(r -> r.kind() == Kind.SLAB).map(Run::owner).distinct().count()
                    >= 2, "slabs of two threads' caches");
        }
    }

    @Test
    void aPictureWhoseRunsDoNotCoverItsPrefixIsRefused() {
        try (Heap heap = Heap.create(1L << 30)) {
            heap.free(heap.allocateAddressNoInit(100, 16));
            HeapPicture p = heap.picture();
            List<Run> gap = new ArrayList<>(p.runs());
            gap.removeFirst();
            assertThrows(IllegalArgumentException.class, () -> new HeapPicture(p.stats(), p.address(),
                    p.prefixPages(), p.reservedPages(), gap, p.huge()));
            assertThrows(IllegalArgumentException.class, () -> new HeapPicture(p.stats(), p.address(),
                    p.prefixPages() + 1, p.reservedPages(), p.runs(), p.huge()));
            assertEquals(p, new HeapPicture(p.stats(), p.address(), p.prefixPages(), p.reservedPages(), p.runs(),
                    p.huge()));
        }
    }

    /** Allocates a mix of small, medium, large and huge payloads and frees about half of them. */
    private static void mixedWorkload(Heap heap, SplittableRandom random) {
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int kind = random.nextInt(1000);
            long size = kind < 900 ? 1 + random.nextInt(1024) : kind < 990 ? 1025 + random.nextInt(31 << 10)
                    : kind < 999 ? (32 << 10) + random.nextInt(1 << 20) : 17 << 20;
            live.add(heap.allocateAddressNoInit(size, 16));
            if (random.nextBoolean()) {
                heap.free(live.remove(random.nextInt(live.size())));
            }
        }
    }

    /** Checks {@code picture} against its statistics record. */
    static void check(HeapPicture picture) {
        HeapStats stats = picture.stats();
        long next = 0;
        long[] live = new long[stats.classes().size()];
        long[] spans = new long[stats.classes().size()];
        long large = 0;
        for (Run r : picture.runs()) {
            assertEquals(next, r.firstPage(), "runs in order, without gaps");
            assertTrue(r.pages() > 0, "a run has pages: " + r);
            next += r.pages();
            if (r.kind() == Kind.SLAB || r.kind() == Kind.POOL) {
                live[r.sizeClass()] += r.liveSlots();
                spans[r.sizeClass()]++;
                assertTrue(r.liveSlots() <= r.usedSlots() && r.usedSlots() <= r.slots(), "slots: " + r);
            } else if (r.kind() == Kind.LARGE) {
                large++;
            }
        }
        assertEquals(picture.prefixPages(), next, "the runs cover the prefix");
        for (SizeClassStats c : stats.classes()) {
            assertEquals(c.liveBlocks(), live[c.index()], "class " + c.index() + " live slots");
            assertEquals(c.spans(), spans[c.index()], "class " + c.index() + " spans");
        }
        assertEquals(stats.largeBlocks(), large, "large payloads");
        assertEquals(stats.hugeBlocks(), picture.huge().size(), "huge mappings");
        assertEquals(stats.freePages(), picture.pages(Kind.FREE) + picture.pages(Kind.PURGED), "free pages");
        assertEquals(stats.purgedPages(), picture.pages(Kind.PURGED), "purged pages");
        String text = picture.toText();
        assertTrue(text.contains("pages committed") && text.contains("HeapStats"), text);
        assertTrue(text.chars().anyMatch(ch -> ch == 'S' || ch == 's'), text);
    }
}
