package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.jalloc.internal.util.Bits;

/**
 * The one-bug programs that must fault, for {@link HardenedFaultTest}: {@code HardenedFaultChild <case> <level>}
 * makes a hardened heap, prints {@code FAULT_AT <address>} (the first byte the bug touches), then does the bug
 * through a raw address, as native code would. It must die of SIGSEGV at that address; if it lives, it prints
 * {@code SURVIVED} and exits with status 0.
 */
public final class HardenedFaultChild {
    private static final long LARGE = 256 << 10;

    private HardenedFaultChild() {
    }

    public static void main(String[] args) {
        Heap heap = Heap.builder().hardening(Hardening.valueOf(args[1])).build();
        long p = heap.allocateAddress(LARGE, 16);
        long usable = heap.usableSize(p);
        long q;
        switch (args[0]) {
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
            default -> throw new IllegalArgumentException("no case " + args[0]);
        }
        System.out.println("SURVIVED");
    }

    private static void fault(long address) {
        System.out.println("FAULT_AT " + Bits.hex(address));
        System.out.flush();
    }
}
