package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.testing.Resident;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Memory fresh from the OS reads as zero already, so the zeroing verbs do not write it again: a zeroed allocation
 * of fresh pages leaves them unmapped (mincore says no page became resident), while one over pages handed out
 * before is really zeroed. Checked for huge mappings, large spans and best-fit blocks, first use and after a purge.
 */
class FreshMemoryTest {
    static final long PAGE = 4096;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap huge (256 MiB)", "heap large (8 MiB)", "best fit (64 MiB)"})
    void zeroingFreshPagesTouchesNone(String what) {
        long size = what.contains("256") ? 256L << 20 : what.contains("64") ? 64L << 20 : 8L << 20;
        Supplier<AddressAllocator> make = what.startsWith("heap") ? () -> Heap.create(1L << 30)
                : () -> BestFitAllocator.builder().reserveSize(1L << 30).build();
        try (AddressAllocator a = make.get()) {
            MemorySegment s = a.allocate(size, 16);
            assertEquals(0, Resident.bytes(s.address() + PAGE, size - 2 * PAGE),
                    "a zeroed allocation of fresh pages made them resident");
            // Dirty it, free it, give it back to the OS, and take it again: purged pages are fresh again.
            s.fill((byte) 7);
            a.free(s);
            a.trim();
            MemorySegment again = a.allocate(size, 16);
            assertEquals(0, Resident.bytes(again.address() + PAGE, size - 2 * PAGE),
                    "a zeroed allocation of purged pages made them resident");
            for (long off = 0; off < size; off += 1 << 20) {
                assertEquals(0, again.get(JAVA_LONG, off));
            }
            // Dirty pages that were not purged are zeroed for real.
            again.fill((byte) 9);
            a.free(again);
            MemorySegment dirty = a.allocate(size / 2, 16);
            for (long off = 0; off < dirty.byteSize(); off += 4096) {
                assertEquals(0, dirty.get(JAVA_LONG, off & ~7L), "a reused dirty page was not zeroed");
            }
            assertTrue(a.usableSize(dirty.address()) >= size / 2);
        }
    }
}
