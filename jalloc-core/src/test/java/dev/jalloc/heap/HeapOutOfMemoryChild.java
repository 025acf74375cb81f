package dev.jalloc.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.SystemCallException;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@link HeapOutOfMemoryTest} in a child JVM under {@code ulimit -v}: asks the heaps for more than the limit
 * allows and checks that each refusal is an {@link OutOfNativeMemoryError} that changed nothing. Prints one
 * {@code key=value} line per finding and {@code DONE} last; a line {@code FAIL=...} means a check failed.
 */
public final class HeapOutOfMemoryChild {
    private HeapOutOfMemoryChild() {
    }

    public static void main(String[] args) {
        // 1. Explicit 64 GiB reservations do not fit under the limit: refused...
        refusedAtCreation("heapCreate", () -> Heap.create(Heap.DEFAULT_RESERVE_SIZE).close());
        refusedAtCreation("bestFitCreate", () -> BestFitAllocator.builder()
                .reserveSize(BestFitAllocator.DEFAULT_RESERVE_SIZE).build().close());
        refusedAtCreation("vecCreate", () -> dev.jalloc.vector.Vec.builder()
                .reserveSize(dev.jalloc.vector.Vec.DEFAULT_RESERVE_SIZE).ofInts().close());
        // ...while the default ones degrade to what the OS grants, work, and say so.
        try (Heap heap = Heap.create()) {
            heap.free(heap.allocateAddress(1 << 20, 16));
            System.out.println("heapDefault=" + (heap.reservedBytes() < Heap.DEFAULT_RESERVE_SIZE
                    && heap.toString().contains("refused by the OS") ? "degraded" : "not degraded: " + heap));
        }
        try (BestFitAllocator fit = BestFitAllocator.create()) {
            fit.free(fit.allocateAddress(1 << 20, 16));
            System.out.println("bestFitDefault=" + (fit.reservedBytes() < BestFitAllocator.DEFAULT_RESERVE_SIZE
                    && fit.toString().contains("refused by the OS") ? "degraded" : "not degraded: " + fit));
        }
        try (dev.jalloc.vector.IntVec vec = dev.jalloc.vector.IntVec.create()) {
            vec.add(1);
            System.out.println("vecDefault=" + (vec.toString().contains("refused by the OS") ? "degraded"
                    : "not degraded: " + vec));
        }

        // 2. Huge allocations, each a mapping of its own, until the OS refuses one.
        try (Heap heap = Heap.create(256L << 20)) {
            long small = heap.allocateAddressNoInit(100, 16);
            List<Long> huge = new ArrayList<>();
            OutOfNativeMemoryError refusal = null;
            while (refusal == null && huge.size() < 1000) {
                long live = heap.liveBytes();
                long count = heap.liveAllocations();
                long committed = heap.committedBytes();
                try {
                    huge.add(heap.allocateAddressNoInit(64L << 20, 16));
                } catch (OutOfNativeMemoryError e) {
                    refusal = e;
                    expect(live == heap.liveBytes() && count == heap.liveAllocations()
                            && committed == heap.committedBytes(), "hugeRefusalChangedTheHeap");
                }
            }
            System.out.println("huge=" + (refusal == null ? "never refused" : "refused after " + huge.size()));
            System.out.println("hugeCause=" + describe(refusal));
            heap.check();
            long again = heap.allocateAddressNoInit(1000, 16);   // small and large requests still work
            long large = heap.allocateAddressNoInit(1 << 20, 16);
            heap.free(again);
            heap.free(large);
            for (long p : huge) {
                heap.free(p);
            }
            heap.allocateAddressNoInit(64L << 20, 16);            // and, with the huge ones freed, a huge one again
            heap.free(small);
            heap.check();
            System.out.println("hugeAfter=usable");
        }

        // 3. Large spans until the heap's own region is full: 16 spans of 4 MiB fill 64 MiB exactly (no headers).
        try (Heap heap = Heap.create(64L << 20)) {
            List<Long> large = new ArrayList<>();
            OutOfNativeMemoryError full = null;
            while (full == null && large.size() < 1000) {
                long live = heap.liveBytes();
                try {
                    large.add(heap.allocateAddressNoInit(4L << 20, 16));
                } catch (OutOfNativeMemoryError e) {
                    full = e;
                    expect(live == heap.liveBytes(), "fullRefusalChangedTheHeap");
                }
            }
            System.out.println("large=" + (full == null ? "never full" : "full after " + large.size()));
            System.out.println("largeMessage=" + (full == null ? "-" : full.getMessage().split(" \\(")[0]));
            heap.free(large.remove(0));
            large.add(heap.allocateAddressNoInit(4L << 20, 16));   // the freed span is reused
            heap.check();
            System.out.println("largeAfter=usable");
        }
        System.out.println("DONE");
    }

    private static void refusedAtCreation(String key, Runnable create) {
        try {
            create.run();
            System.out.println(key + "=succeeded");
        } catch (OutOfNativeMemoryError e) {
            System.out.println(key + "=refused");
            System.out.println(key + "Cause=" + describe(e));
        }
    }

    private static String describe(OutOfNativeMemoryError e) {
        if (e == null) {
            return "-";
        }
        return e.getCause() instanceof SystemCallException s ? s.call() + " " + s.errorName() : "no system call";
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            System.out.println("FAIL=" + what);
        }
    }
}
