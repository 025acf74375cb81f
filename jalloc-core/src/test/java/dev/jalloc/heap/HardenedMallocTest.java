package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.MemoryCorruptionError;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.os.Protection;
import dev.jalloc.testing.CapturedLog;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one-bug programs of GrapheneOS hardened_malloc's test suite ({@code test/*.c}), as they apply to a Java heap,
 * each named after its counterpart and run at every hardening level that applies: what each level does with the bug
 * is asserted exactly (the error type, the words of its message, or what a read finds). Writes "through a raw
 * address" stand for native code: a segment made with {@code reinterpret}, as a downcall would get. The cases that
 * fault (guard pages) run in child JVMs in {@code HardenedFaultTest}.
 */
class HardenedMallocTest {
    private static final long SMALL = 16;

    static Heap heap(Hardening level) {
        return Heap.builder().reserveSize(1L << 30).hardening(level).build();
    }

    /** {@return {@code byteSize} bytes at {@code address} as native code sees them: no bounds but the ones given} */
    @SuppressWarnings("restricted")
    static MemorySegment raw(long address, long byteSize) {
        return MemorySegment.ofAddress(address).reinterpret(byteSize);
    }

    // ---- double frees ----

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void double_free_small(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(SMALL, 16);
            heap.free(p);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> heap.free(p));
            assertTrue(e.getMessage().contains(level.compareTo(Hardening.STANDARD) >= 0 ? "quarantine"
                    : "already freed"), e.getMessage());
            heap.check();   // refused, nothing changed
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void double_free_small_delayed(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(SMALL, 16);
            long q = heap.allocateAddress(SMALL, 16);
            heap.free(p);
            heap.free(q);
            assertThrows(IllegalArgumentException.class, () -> heap.free(p));
            heap.check();
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void double_free_large(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(256 << 10, 16);
            heap.free(p);
            assertThrows(IllegalArgumentException.class, () -> heap.free(p));
            heap.check();
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void double_free_large_delayed(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(256 << 10, 16);
            long q = heap.allocateAddress(256 << 10, 16);
            heap.free(p);
            heap.free(q);
            assertThrows(IllegalArgumentException.class, () -> heap.free(p));
            heap.check();
        }
    }

    /** Many frees between the two frees of one slot: found in the quarantine or, once it left, by the engine. */
    @ParameterizedTest
    @EnumSource(Hardening.class)
    void quarantine_double_free_extended_delayed(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(SMALL, 16);
            heap.free(p);
            for (int i = 0; i < 5000; i++) {
                heap.free(heap.allocateAddress(SMALL, 16));
            }
            assertThrows(IllegalArgumentException.class, () -> heap.free(p));   // every slot of the loop was freed
            heap.check();
        }
    }

    // ---- invalid and unaligned frees ----

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void invalid_free_protected(Hardening level) {
        Os os = Os.current();
        long page = os.pageSize();
        long guard = os.reserve(page, page);   // reserved, never committed: any access faults
        try (Heap heap = heap(level)) {
            os.protect(guard, page, Protection.NONE);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> heap.free(guard));
            assertTrue(e.getMessage().contains("not an address of this heap"), e.getMessage());
        } finally {
            os.release(guard, page);
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void invalid_free_unprotected(Hardening level) {
        try (Heap heap = heap(level); Arena arena = Arena.ofConfined()) {
            long foreign = arena.allocate(64, 16).address();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> heap.free(foreign));
            assertTrue(e.getMessage().contains("not an address of this heap"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void invalid_free_small_region(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(SMALL, 16);
            long slot = heap.usableSize(p) + (level == Hardening.NONE ? 0 : 8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> heap.free(p + slot));
            assertTrue(e.getMessage().contains("not the start of an allocated payload"), e.getMessage());
            heap.free(p);
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void invalid_free_small_region_far(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(SMALL, 16);
            assertThrows(IllegalArgumentException.class, () -> heap.free(p + (1L << 30)));
            heap.free(p);
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void unaligned_free_small(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(SMALL, 16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> heap.free(p + 1));
            assertTrue(e.getMessage().contains("misaligned"), e.getMessage());
            heap.free(p);
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void unaligned_free_large(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(256 << 10, 16);
            assertThrows(IllegalArgumentException.class, () -> heap.free(p + 1));
            assertThrows(IllegalArgumentException.class, () -> heap.free(p + 4096));
            heap.free(p);
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void uninitialized_free(Hardening level) {
        try (Heap heap = heap(level)) {
            for (long garbage : new long[] {0, 8, 0xDEADBEEFL, -1, Long.MIN_VALUE, 0x4141414141414141L}) {
                assertThrows(IllegalArgumentException.class, () -> heap.free(garbage));
            }
            heap.check();
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void uninitialized_realloc(Hardening level) {
        try (Heap heap = heap(level)) {
            assertThrows(IllegalArgumentException.class, () -> heap.reallocate(0x4141414141414140L, 64));
            long p = heap.allocateAddress(SMALL, 16);
            assertThrows(IllegalArgumentException.class, () -> heap.reallocate(p + 16 * 1024, 64));
            heap.free(p);
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void uninitialized_malloc_usable_size(Hardening level) {
        try (Heap heap = heap(level)) {
            assertThrows(IllegalArgumentException.class, () -> heap.usableSize(0x4141414141414140L));
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void invalid_malloc_usable_size_small(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(SMALL, 16);
            assertThrows(IllegalArgumentException.class, () -> heap.usableSize(p + 32));
            heap.free(p);
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void invalid_malloc_usable_size_small_quarantine(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(SMALL, 16);
            heap.free(p);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> heap.usableSize(p));
            if (level.compareTo(Hardening.STANDARD) >= 0) {
                assertTrue(e.getMessage().contains("quarantine"), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void unaligned_malloc_usable_size_small(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(SMALL, 16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> heap.usableSize(p + 1));
            assertTrue(e.getMessage().contains("misaligned"), e.getMessage());
            heap.free(p);
        }
    }

    // ---- overflows: the canary ----

    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"LIGHT", "STANDARD", "FULL"})
    void overflow_small_1_byte(Hardening level) {
        overflowSmall(level, 1);
    }

    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"LIGHT", "STANDARD", "FULL"})
    void overflow_small_8_byte(Hardening level) {
        overflowSmall(level, 8);
    }

    private static void overflowSmall(Hardening level, int bytes) {
        for (long size : new long[] {8, 24, 100, 1000, 4000, 32 * 1024 - 8}) {
            try (Heap heap = heap(level); CapturedLog log = new CapturedLog("dev.jalloc.corruption")) {
                long p = heap.allocateAddress(size, 16);
                long usable = heap.usableSize(p);
                assertTrue(usable >= size);
                raw(p, usable + bytes).asSlice(usable, bytes).fill((byte) 'a');   // past the last usable byte
                MemoryCorruptionError e = assertThrows(MemoryCorruptionError.class, () -> heap.free(p));
                assertTrue(log.text().startsWith("SEVERE corruption found in Heap") && log.text().contains(
                        e.getMessage()), log.text());
                assertEquals(MemoryCorruptionError.Kind.CANARY, e.kind());
                assertEquals(p, e.address());
                assertEquals(usable, e.offset(), e.getMessage());
                assertTrue(e.getMessage().startsWith("canary overwritten"), e.getMessage());
                // Poisoned: every call but close refuses, naming the error.
                IllegalStateException refused = assertThrows(IllegalStateException.class,
                        () -> heap.allocateAddress(16, 16));
                assertSame(e, refused.getCause());
            }
        }
    }

    /** At NONE there is no canary: the overflow lands in the slot's slack or the next slot, unnoticed. */
    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = "NONE")
    void overflow_small_1_byte_not_caught(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(16, 16);
            raw(p, 17).set(JAVA_BYTE, 16, (byte) 'a');
            heap.free(p);
        }
    }

    /** A refused address names the call that was made, at every level: free, reallocate or usableSize. */
    @ParameterizedTest
    @EnumSource(Hardening.class)
    void invalid_calls_name_themselves(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(64, 16);
            for (long bad : new long[] {p + 16, p + 8, 0x1000}) {
                String at = ": 0x" + Long.toHexString(bad) + " is ";
                assertTrue(assertThrows(IllegalArgumentException.class, () -> heap.free(bad)).getMessage()
                        .startsWith("free" + at), level + " free");
                assertTrue(assertThrows(IllegalArgumentException.class, () -> heap.reallocate(bad, 100)).getMessage()
                        .startsWith("reallocate" + at), level + " reallocate");
                assertTrue(assertThrows(IllegalArgumentException.class, () -> heap.usableSize(bad)).getMessage()
                        .startsWith("usableSize" + at), level + " usableSize");
            }
            heap.free(p);
        }
    }

    /** {@code check()} reads every live slot's canary: an overflow is found before the slot's free. */
    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"LIGHT", "STANDARD", "FULL"})
    void overflow_small_found_by_check(Hardening level) {
        try (Heap heap = heap(level)) {
            long[] live = new long[50];
            for (int i = 0; i < live.length; i++) {
                live[i] = heap.allocateAddress(16 + 40 * i, 16);
            }
            heap.free(live[3]);
            heap.check();   // all intact
            long p = live[17];
            long usable = heap.usableSize(p);
            raw(p, usable + 1).set(JAVA_BYTE, usable, (byte) 0x41);
            MemoryCorruptionError e = assertThrows(MemoryCorruptionError.class, heap::check);
            assertEquals(MemoryCorruptionError.Kind.CANARY, e.kind());
            assertEquals(p, e.address());
            assertEquals(usable, e.offset());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"LIGHT", "STANDARD", "FULL"})
    void overflow_small_found_at_reallocate(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(40, 16);
            long usable = heap.usableSize(p);
            raw(p, usable + 1).set(JAVA_BYTE, usable, (byte) 1);
            assertThrows(MemoryCorruptionError.class, () -> heap.reallocate(p, 4000));
        }
    }

    /**
     * A C string filling the usable bytes writes its terminating zero over the canary's first byte, which is zero:
     * the overflow by the terminator is harmless and not reported (hardened_malloc prints "overflow by 0 bytes").
     */
    @ParameterizedTest
    @EnumSource(Hardening.class)
    void string_overflow(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(40, 16);
            long usable = heap.usableSize(p);
            MemorySegment s = raw(p, usable + 1);
            s.asSlice(0, usable).fill((byte) 'x');
            s.set(JAVA_BYTE, usable, (byte) 0);   // the terminator, one past the end
            heap.free(p);
            heap.check();
        }
    }

    // ---- after free ----

    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"LIGHT", "STANDARD", "FULL"})
    void read_after_free_small(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(128, 16);
            MemorySegment stale = raw(p, 128);
            stale.fill((byte) 'a');
            heap.free(p);
            for (int i = 0; i < 16; i++) {
                assertEquals(0, stale.get(JAVA_BYTE, i), "byte " + i);
            }
        }
    }

    /**
     * Large payloads zeroed or purged at free read zeros after it. At {@code STANDARD} from 128 KiB and at
     * {@code FULL} from 32 KiB a large payload is held inaccessible instead, and the read faults: in
     * {@link HardenedFaultTest}.
     */
    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"LIGHT", "STANDARD"})
    void read_after_free_large(Hardening level) {
        long[] sizes = level == Hardening.LIGHT ? new long[] {40 << 10, 256 << 10, 3 << 20} : new long[] {40 << 10};
        for (long size : sizes) {
            try (Heap heap = heap(level)) {
                long p = heap.allocateAddress(size, 16);
                MemorySegment stale = raw(p, size);
                stale.fill((byte) 'a');
                heap.free(p);
                for (long i = 0; i < size; i += 4093) {
                    assertEquals(0, stale.get(JAVA_BYTE, i), "byte " + i + " of " + size);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"STANDARD", "FULL"})
    void write_after_free_small(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(128, 16);
            heap.free(p);
            raw(p, 128).set(JAVA_BYTE, 65, (byte) 'a');
            MemoryCorruptionError e = assertThrows(MemoryCorruptionError.class, () -> {
                for (int i = 0; i < 100_000; i++) {
                    heap.free(heap.allocateAddress(128, 16));
                }
            });
            assertEquals(MemoryCorruptionError.Kind.WRITE_AFTER_FREE, e.kind());
            assertEquals(p, e.address());
            assertEquals(65, e.offset());
            assertTrue(e.getMessage().startsWith("write after free"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"STANDARD", "FULL"})
    void write_after_free_small_reuse(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(128, 16);
            heap.free(p);
            long q = heap.allocateAddress(128, 16);
            assertNotEquals(p, q, "reused at once despite the quarantine");
            raw(p, 128).set(JAVA_BYTE, 65, (byte) 'a');
            assertThrows(MemoryCorruptionError.class, () -> {
                for (int i = 0; i < 100_000; i++) {
                    heap.free(heap.allocateAddress(128, 16));
                }
            });
        }
    }

    /** {@code check()} finds the write before any reuse: it reads every quarantined slot. */
    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"STANDARD", "FULL"})
    void write_after_free_small_found_by_check(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(48, 16);
            heap.free(p);
            raw(p, 48).set(JAVA_LONG_UNALIGNED, 8, -1L);
            MemoryCorruptionError e = assertThrows(MemoryCorruptionError.class, heap::check);
            assertEquals(8, e.offset());
        }
    }

    // ---- the quarantine ----

    /**
     * A freed slot comes back only after more frees of its class than the quarantine's FIFO part holds (8 at
     * STANDARD, 128 at FULL: {@link Hardening}'s table), and when is random: the distances of many slots differ.
     */
    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"STANDARD", "FULL"})
    void malloc_noreuse(Hardening level) {
        int ring = level == Hardening.STANDARD ? 8 : 128;
        java.util.Set<Integer> distances = new java.util.HashSet<>();
        try (Heap heap = heap(level)) {
            for (int round = 0; round < 20; round++) {
                long p = heap.allocateAddress(64, 16);
                heap.free(p);
                for (int i = 0; ; i++) {
                    long q = heap.allocateAddress(64, 16);
                    heap.free(q);
                    if (q == p) {
                        assertTrue(i > ring, "reused after " + i + " allocations");
                        distances.add(i);
                        break;
                    }
                    assertTrue(i < 100_000, "never reused");
                }
            }
        }
        assertTrue(distances.size() > 1, "always reused after the same number of frees: " + distances);
    }

    /** With no intervening frees of its class, a freed slot is not handed out again at all. */
    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"STANDARD", "FULL"})
    void malloc_noreuse_without_frees(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(64, 16);
            heap.free(p);
            for (int i = 0; i < 1024; i++) {
                assertNotEquals(p, heap.allocateAddress(64, 16), "reused after " + i + " allocations");
            }
        }
    }

    /** Slots come out of a fresh slab in random order: two heaps do not lay the same requests out alike. */
    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"STANDARD", "FULL"})
    void random_slot_order(Hardening level) {
        Set<String> layouts = new HashSet<>();
        for (int run = 0; run < 4; run++) {
            try (Heap heap = heap(level)) {
                long first = heap.allocateAddress(32, 16);
                StringBuilder layout = new StringBuilder();
                for (int i = 0; i < 32; i++) {
                    layout.append(heap.allocateAddress(32, 16) - first).append(',');
                }
                layouts.add(layout.toString());
            }
        }
        assertTrue(layouts.size() > 1, "four heaps, one layout: " + layouts);
    }

    // ---- sizes ----

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void zero_size(Hardening level) {
        try (Heap heap = heap(level)) {
            MemorySegment a = heap.allocate(0, 1);
            MemorySegment b = heap.allocate(0, 1);
            assertEquals(0, a.byteSize());
            assertNotEquals(a.address(), b.address(), "malloc_zero_different");
            assertThrows(IndexOutOfBoundsException.class, () -> a.get(JAVA_BYTE, 0));   // read_zero_size
            if (level == Hardening.STANDARD || level == Hardening.FULL) {
                assertEquals(0, heap.usableSize(a.address()), "an address in a guard (HardenedFaultTest)");
            }
            MemorySegment grown = heap.reallocate(a, 100);   // a zero-size payload grows like any other
            assertEquals(0, grown.get(JAVA_BYTE, 99));
            heap.free(grown);
            heap.free(b);
            assertThrows(IllegalArgumentException.class, () -> heap.free(b));   // double free, in the quarantine
            heap.check();
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void impossibly_large_malloc(Hardening level) {
        try (Heap heap = heap(level)) {
            assertThrows(IllegalArgumentException.class, () -> heap.allocateAddress(Long.MAX_VALUE, 16));
            assertThrows(IllegalArgumentException.class, () -> heap.allocate(-1, 16));
            assertThrows(IllegalArgumentException.class, () -> heap.reallocate(heap.allocateAddress(16, 16),
                    Long.MAX_VALUE - 8));
        }
    }

    /**
     * calloc_overflow, reallocarray_overflow: a count times an element size that overflows. The FFM API multiplies
     * with a check ({@code SegmentAllocator.allocate(layout, count)}), so the heap never sees a wrapped size.
     */
    @ParameterizedTest
    @EnumSource(Hardening.class)
    void calloc_overflow(Hardening level) {
        try (Heap heap = heap(level)) {
            assertThrows(IllegalArgumentException.class, () -> heap.allocate(JAVA_LONG_UNALIGNED, Long.MAX_VALUE / 4));
            assertThrows(IllegalArgumentException.class, () -> heap.allocate(JAVA_LONG_UNALIGNED, (1L << 61) + 1));
            assertEquals(0, heap.liveAllocations());
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void large_array_growth(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(8, 16);
            long size = 8;
            raw(p, 8).set(JAVA_LONG_UNALIGNED, 0, 42);
            while (size < 64 << 20) {
                size = size * 3 / 2 + 8;
                p = heap.reallocate(p, size);
                assertEquals(42, raw(p, 8).get(JAVA_LONG_UNALIGNED, 0));
                assertTrue(heap.usableSize(p) >= size);
            }
            heap.free(p);
            heap.check();
        }
    }
}
