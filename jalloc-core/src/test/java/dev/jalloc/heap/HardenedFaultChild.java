package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.jalloc.internal.util.Bits;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * The one-bug programs that must fault, for {@link HardenedFaultTest}: {@code HardenedFaultChild <case> <level>}
 * makes a hardened heap, prints {@code FAULT_AT <address>} (the first byte the bug touches), then does the bug
 * through a raw address, as native code would (or in native code: libc's {@code memset}). It must die of SIGSEGV at
 * that address; if it lives, it prints {@code SURVIVED} and exits with status 0.
 */
public final class HardenedFaultChild {
    private static final long LARGE = 256 << 10;

    private HardenedFaultChild() {
    }

    public static void main(String[] args) throws Throwable {
        Heap heap = Heap.builder().hardening(Hardening.valueOf(args[1])).build();
        switch (args[0]) {
            case "overflow_slab_end" -> overflowOffTheEnd(heap, heap.allocateAddress(100, 16));
            case "overflow_pool_end" -> overflowOffTheEnd(heap, heap.allocateAddress(20_000, 16));
            case "memset_off_slab_end" -> {
                long p = heap.allocateAddress(48, 16);
                long end = endBeforeGuard(heap, p);
                fault(end);
                MethodHandle memset = Linker.nativeLinker().downcallHandle(
                        Linker.nativeLinker().defaultLookup().findOrThrow("memset"),
                        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG));
                // One byte too many: memset's last store (a byte, or a vector ending at end + 1) reaches the guard.
                MemorySegment unused = (MemorySegment) memset.invokeExact(MemorySegment.ofAddress(p), (int) 'a',
                        end - p + 1);
            }
            case "read_zero_size" -> {
                long p = heap.allocateAddress(0, 16);
                fault(p);
                System.out.println("read " + HardenedMallocTest.raw(p, 1).get(JAVA_BYTE, 0));
            }
            case "write_zero_size" -> {
                long p = heap.allocateAddress(0, 16);
                fault(p);
                HardenedMallocTest.raw(p, 1).set(JAVA_BYTE, 0, (byte) 'a');
            }
            default -> largeBug(heap, args[0]);
        }
        System.out.println("SURVIVED");
    }

    /**
     * {@return the end of the slab or pool holding the slot at {@code p}}: where its guard starts (the child exits
     * with status 3, {@code NO GUARD}, if none does)
     */
    private static long endBeforeGuard(Heap heap, long p) {
        HeapPicture picture = heap.picture();
        List<HeapPicture.Run> runs = picture.runs();
        long page = (p - picture.address()) / HeapPicture.PAGE;
        for (int i = 0; i < runs.size() - 1; i++) {
            HeapPicture.Run r = runs.get(i);
            if (r.firstPage() <= page && page < r.firstPage() + r.pages()
                    && runs.get(i + 1).kind() == HeapPicture.Kind.GUARD) {
                return picture.address() + (r.firstPage() + r.pages()) * HeapPicture.PAGE;
            }
        }
        System.out.println("NO GUARD after the span of " + Bits.hex(p) + "\n" + picture.toText());
        System.exit(3);
        return -1;
    }

    /** Writes from the slot at {@code p} to the end of its slab or pool, then one byte more: into its guard. */
    private static void overflowOffTheEnd(Heap heap, long p) {
        long end = endBeforeGuard(heap, p);
        fault(end);
        MemorySegment run = HardenedMallocTest.raw(p, end - p + 1);
        run.asSlice(0, end - p).fill((byte) 'a');
        run.set(JAVA_BYTE, end - p, (byte) 'a');
    }

    /** The bugs of a large payload, each in a mapping of its own between guards. */
    private static void largeBug(Heap heap, String bug) {
        long p = heap.allocateAddress(LARGE, 16);
        long usable = heap.usableSize(p);
        long q;
        switch (bug) {
            case "overflow_large_1_byte" -> {
                fault(p + usable);
                HardenedMallocTest.raw(p, usable + 1).set(JAVA_BYTE, usable, (byte) 'a');
            }
            case "overflow_large_8_byte" -> {
                fault(p + usable);
                HardenedMallocTest.raw(p, usable + 8).set(JAVA_LONG_UNALIGNED, usable, 0x4141414141414141L);
            }
            case "underflow_large_1_byte" -> {
                fault(p - 1);
                HardenedMallocTest.raw(p - 1, 1).set(JAVA_BYTE, 0, (byte) 'a');
            }
            case "read_after_free_large" -> {
                heap.free(p);
                fault(p);
                System.out.println("read " + HardenedMallocTest.raw(p, usable).get(JAVA_BYTE, 0));
            }
            case "write_after_free_large" -> {
                heap.free(p);
                fault(p + 4096 + 17);
                HardenedMallocTest.raw(p, usable).set(JAVA_BYTE, 4096 + 17, (byte) 'a');
            }
            case "write_after_free_large_reuse" -> {
                heap.free(p);
                q = heap.allocateAddress(LARGE, 16);
                System.out.println("reallocated at " + Bits.hex(q));
                fault(p + 64);
                HardenedMallocTest.raw(p, usable).set(JAVA_BYTE, 64, (byte) 'a');
            }
            default -> throw new IllegalArgumentException("no case " + bug);
        }
    }

    private static void fault(long address) {
        System.out.println("FAULT_AT " + Bits.hex(address));
        System.out.flush();
    }
}
