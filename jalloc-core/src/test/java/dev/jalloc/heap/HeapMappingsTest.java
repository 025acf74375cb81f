package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.testing.ProcMaps;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Nothing leaks: after a heap's {@code close()}, or its arena's, none of its mappings (region, page map, huge
 * mappings) is left in {@code /proc/self/maps}. Each check first proves the ranges are mapped, so it can fail.
 */
class HeapMappingsTest {

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(ProcMaps.available(), "no /proc/self/maps on this system");
    }

    private static void use(Heap heap) {
        long[] sizes = {16, 700, 3000, 20_000, 100_000, 3 << 20, 20 << 20, 40 << 20};
        long[] kept = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            kept[i] = heap.allocateAddressNoInit(sizes[i], 16);
        }
        heap.free(kept[4]);     // a free span
        heap.free(kept[7]);     // an unmapped huge allocation
        heap.trim();            // purged pages
    }

    private static List<ProcMaps.Mapping> mappedBefore(List<long[]> ranges) {
        List<ProcMaps.Mapping> before = ProcMaps.read();
        for (long[] r : ranges) {
            assertEquals(r[1], ProcMaps.coveredBytes(before, r[0], r[0] + r[1]),
                    "range " + Long.toHexString(r[0]) + " +" + r[1] + " should be mapped before close");
        }
        return before;
    }

    @Test
    void closeReturnsTheRegionAndTheHugeMappings() {
        Heap heap = Heap.create(1L << 30);
        use(heap);
        List<long[]> ranges = heap.osRanges();
        assertEquals(2, ranges.size(), "one huge mapping, the region (the page map lives in the Java heap)");
        List<ProcMaps.Mapping> before = mappedBefore(ranges);
        heap.close();
        List<ProcMaps.Mapping> after = ProcMaps.read();
        for (long[] r : ranges) {
            assertEquals(List.of(), ProcMaps.leftovers(before, after, r[0], r[0] + r[1]), "leftovers");
        }
    }

    /**
     * A hardened heap's guarded mappings, live and quarantined (inaccessible), go at close with the region: the
     * ranges include their guards. So do the guard pages after its slabs and pools (STANDARD, FULL), inaccessible
     * mappings inside the region.
     */
    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"LIGHT", "STANDARD", "FULL"})
    void closeReturnsAHardenedHeapsMappings(Hardening level) {
        Heap heap = Heap.builder().reserveSize(1L << 30).hardening(level).checkedLifetimes(true).build();
        use(heap);
        heap.allocate(300_000, 16);   // a live guarded mapping with a segment at STANDARD and FULL
        List<long[]> ranges = heap.osRanges();
        // LIGHT: the region and one huge mapping (the other was freed); STANDARD guards from 128 KiB (3, 20 and
        // 40 MiB, the last quarantined, and the 300 KB one), FULL from 32 KiB (100 KB too, quarantined).
        int expected = switch (level) {
            case LIGHT -> 2;
            case STANDARD -> 5;
            default -> 6;
        };
        assertEquals(expected, ranges.size(), "mappings");
        HeapPicture picture = heap.picture();
        long prefixEnd = picture.address() + picture.prefixPages() * HeapPicture.PAGE;
        long guardSlabs = ProcMaps.read().stream()
                .filter(m -> m.overlaps(picture.address(), prefixEnd) && m.perms().startsWith("---")).count();
        long guardRuns = picture.runs().stream().filter(r -> r.kind() == HeapPicture.Kind.GUARD).count();
        assertEquals(guardRuns, guardSlabs, "guard pages after slabs and pools: " + picture.toText());
        assertEquals(level != Hardening.LIGHT, guardRuns > 0, "guards at " + level);
        List<ProcMaps.Mapping> before = mappedBefore(ranges);
        heap.close();
        List<ProcMaps.Mapping> after = ProcMaps.read();
        for (long[] r : ranges) {
            assertEquals(List.of(), ProcMaps.leftovers(before, after, r[0], r[0] + r[1]), "leftovers");
        }
    }

    @Test
    void aHeapOnAnArenaTailGoesWithTheArena() {
        LinearArena arena = LinearArena.ofVirtual();
        Heap heap = Heap.onTailOf(arena);
        use(heap);
        List<long[]> ranges = heap.osRanges();
        List<ProcMaps.Mapping> before = mappedBefore(ranges);
        arena.close();
        List<ProcMaps.Mapping> after = ProcMaps.read();
        for (long[] r : ranges) {
            assertEquals(List.of(), ProcMaps.leftovers(before, after, r[0], r[0] + r[1]), "leftovers");
        }
    }
}
