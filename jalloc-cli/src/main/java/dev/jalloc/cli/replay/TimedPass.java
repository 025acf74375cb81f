package dev.jalloc.cli.replay;

import java.lang.foreign.MemorySegment;

/**
 * The timed pass: the trace's ops and the writing of every payload byte, nothing else. An alloc fills its
 * whole payload with one byte (the id's low byte) with {@link MemorySegment#fill}, which costs what
 * {@code memset} does; a growing realloc fills the bytes past the old size (the rest were copied by the
 * realloc). The clock runs from just before the first op to just after the last: opening the allocator,
 * and freeing the blocks a trace leaves live, are not timed. Nothing is checked here but NULL returns: the
 * checked pass, run before, proved the allocator right on this trace.
 */
final class TimedPass {
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private TimedPass() {
    }

    /**
     * {@return the nanoseconds one replay of {@code trace} on {@code allocator} took}
     *
     * @throws ReplayException if the allocator refuses a request
     */
    static long run(Trace trace, String allocatorName, ReplayAllocator allocator) {
        long[] addresses = new long[trace.maxId() + 1];
        int[] byteSizes = new int[trace.maxId() + 1];
        int ops = trace.opCount();
        long started = System.nanoTime();
        for (int op = 0; op < ops; op++) {
            int id = trace.id(op);
            int byteSize = trace.byteSize(op);
            switch (trace.kind(op)) {
                case Trace.ALLOC -> {
                    long address = allocator.allocate(Math.max(byteSize, 1));
                    if (address == 0) {
                        throw refused(trace, op, allocatorName);
                    }
                    EVERYTHING.asSlice(address, byteSize).fill((byte) id);
                    addresses[id] = address;
                    byteSizes[id] = byteSize;
                }
                case Trace.FREE -> {
                    allocator.free(addresses[id]);
                    addresses[id] = 0;
                }
                default -> {
                    long address = allocator.reallocate(addresses[id], Math.max(byteSize, 1));
                    if (address == 0) {
                        throw refused(trace, op, allocatorName);
                    }
                    int old = byteSizes[id];
                    if (byteSize > old) {
                        EVERYTHING.asSlice(address + old, byteSize - old).fill((byte) id);
                    }
                    addresses[id] = address;
                    byteSizes[id] = byteSize;
                }
            }
        }
        long elapsed = System.nanoTime() - started;
        for (long address : addresses) {
            if (address != 0) {
                allocator.free(address);
            }
        }
        return elapsed;
    }

    private static ReplayException refused(Trace trace, int op, String allocatorName) {
        return new ReplayException(trace.where(op) + ": " + allocatorName + ": refused a request of "
                + trace.byteSize(op) + " bytes for id " + trace.id(op) + " (returned NULL) in a timed pass");
    }
}
