package dev.jalloc.heap;

import dev.jalloc.DebugLevel;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.arena.Temp;
import dev.jalloc.testing.ProcMaps;
import dev.jalloc.vector.LongVec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Supplier;

/**
 * Run by {@link UnreachableTest} in a child JVM: allocators dropped without {@code close()}, with and without a
 * segment of theirs still held, then garbage collected. Prints {@code name=mapped} or {@code name=unmapped} for the
 * address each made, and {@code name=readable} after reading and writing a held segment once the allocator is
 * gone. A wrong unmapping crashes this JVM, which the test sees.
 */
public final class UnreachableChild {
    private UnreachableChild() {
    }

    public static void main(String[] args) throws Exception {
        // dropped, nothing held: given back
        report("heap", dropped(() -> {
            Heap h = Heap.builder().debug(DebugLevel.LEAKS).build();
            return h.allocate(1000, 16).address();
        }));
        report("bestFit", dropped(() -> BestFitAllocator.create().allocate(1000, 16).address()));
        report("arena", dropped(() -> LinearArena.ofVirtual().push(1000).address()));
        report("vector", dropped(() -> {
            LongVec v = LongVec.create();
            v.add(1);
            return v.address();
        }));
        report("huge", dropped(() -> Heap.create().allocate(20 << 20, 16).address()));

        // dropped, a segment held: stays mapped and usable; then the segment dropped too: given back
        holding("heapSegment", () -> Heap.create().allocate(1000, 16));
        holding("arenaSegment", () -> LinearArena.ofVirtual().push(1000));
        holding("vectorSegment", () -> {
            LongVec v = LongVec.create();
            v.add(1);
            return v.segment();
        });
        holding("checkedTempSegment", () -> {
            LinearArena a = LinearArena.builder().checked(true).build();
            Temp t = a.temp();
            return a.push(1000);   // a segment of the checked temp's own scope
        });

        // closed: nothing to give back, nothing logged
        Heap closed = Heap.create();
        closed.close();
        collect();
        System.out.println("DONE");
    }

    private static long dropped(Supplier<Long> make) throws InterruptedException {
        long address = make.get();
        collect();
        return address;
    }

    private static void holding(String name, Supplier<MemorySegment> make) throws InterruptedException {
        MemorySegment s = make.get();
        collect();
        report(name + "Held", s.address());
        s.set(ValueLayout.JAVA_LONG, 0, 42);
        if (s.get(ValueLayout.JAVA_LONG, 0) == 42) {
            System.out.println(name + "=readable");
        }
        long address = s.address();
        s = null;
        collect();
        report(name + "Dropped", address);
    }

    private static void collect() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    private static void report(String name, long address) {
        boolean mapped = ProcMaps.coveredBytes(ProcMaps.read(), address, address + 1) > 0;
        System.out.println(name + "=" + (mapped ? "mapped" : "unmapped"));
    }
}
