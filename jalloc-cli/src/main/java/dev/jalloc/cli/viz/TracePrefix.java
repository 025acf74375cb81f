package dev.jalloc.cli.viz;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.cli.replay.Trace;
import dev.jalloc.cli.ui.ProgressLine;
import dev.jalloc.heap.Heap;

/**
 * The first ops of a trace on a heap: {@link #peak(Trace)} finds the op count where live bytes peak (no memory
 * touched), {@link #replay} performs the ops up to a count on a heap, leaving their blocks live for the picture.
 * The trace was checked by its parser: every free and realloc names a live id.
 */
final class TracePrefix {
    private TracePrefix() {
    }

    /** {@return the op count after which the trace's live bytes are highest (the first if several), and them} */
    static long[] peak(Trace trace) {
        long[] sizes = new long[trace.maxId() + 1];
        long live = 0;
        long best = 0;
        int at = 0;
        for (int op = 0; op < trace.opCount(); op++) {
            int id = trace.id(op);
            switch (trace.kind(op)) {
                case Trace.ALLOC, Trace.REALLOC -> {
                    live += trace.byteSize(op) - sizes[id];
                    sizes[id] = trace.byteSize(op);
                }
                default -> {
                    live -= sizes[id];
                    sizes[id] = 0;
                }
            }
            if (live > best) {
                best = live;
                at = op + 1;
            }
        }
        return new long[] {at, best};
    }

    /**
     * Performs the first {@code ops} ops of {@code trace} on {@code heap} (a size 0 asks for 1 byte), payloads not
     * written, showing progress on {@code line}.
     *
     * @throws OutOfNativeMemoryError if the heap refuses a block
     */
    static void replay(Trace trace, int ops, Heap heap, ProgressLine line) {
        long[] addresses = new long[trace.maxId() + 1];
        for (int op = 0; op < ops; op++) {
            int id = trace.id(op);
            switch (trace.kind(op)) {
                case Trace.ALLOC -> addresses[id] = heap.allocateAddressNoInit(Math.max(1, trace.byteSize(op)), 16);
                case Trace.REALLOC -> addresses[id] = heap.reallocateNoInit(addresses[id],
                        Math.max(1, trace.byteSize(op)));
                default -> heap.free(addresses[id]);
            }
            if ((op & 1023) == 0) {
                line.update("replaying " + trace.name() + " " + ProgressLine.bar((double) op / ops, 20) + " op "
                        + op + " of " + ops);
            }
        }
        line.clear();
    }
}
