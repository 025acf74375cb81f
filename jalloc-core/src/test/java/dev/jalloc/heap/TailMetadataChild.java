package dev.jalloc.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import java.lang.foreign.MemorySegment;

/**
 * Run by {@link TailMetadataTest} in a child JVM with a small Java heap: a heap and a best-fit allocator on the tail
 * of a large block that is committed already (an arena block committed whole, the caller's memory) allocate and free
 * a little. Their out-of-band metadata must follow what they use, not the size of the committed memory under them.
 * Prints one {@code key=value} line per finding and {@code DONE} last.
 */
public final class TailMetadataChild {
    private TailMetadataChild() {
    }

    public static void main(String[] args) {
        long size = Long.parseLong(args[0]);
        LinearArena arena;
        try {
            arena = LinearArena.ofFixed(size);   // one block committed whole
        } catch (OutOfNativeMemoryError e) {
            System.out.println("refused=" + e.getMessage());
            return;
        }
        try (arena) {
            arena.push(100);
            for (String kind : new String[] {"heap", "bestfit"}) {
                try (AddressAllocator a = kind.equals("heap") ? Heap.onTailOf(arena) : BestFitAllocator.onTailOf(arena)) {
                    long p = a.allocateAddress(1000, 16);
                    long q = a.allocateAddress(300_000, 16);
                    a.free(p);
                    a.free(q);
                    System.out.println(kind + "=ok");
                }
            }
        }
        // The caller's memory: a segment of another arena, committed and never touched (a JDK arena would zero it).
        try (LinearArena source = LinearArena.ofFixed(size)) {
            MemorySegment memory = source.pushNoInit(size - (1 << 20));
            try (LinearArena over = LinearArena.ofFixed(memory); BestFitAllocator fit = BestFitAllocator.onTailOf(over)) {
                fit.free(fit.allocateAddress(64, 16));
                System.out.println("callerMemory=ok");
            }
        }
        System.out.println("DONE");
    }
}
