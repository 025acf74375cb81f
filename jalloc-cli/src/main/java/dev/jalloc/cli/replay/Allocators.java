package dev.jalloc.cli.replay;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The allocators {@code jalloc replay} knows, by name, in the order of the table. This is the one place to
 * register one: write a {@link ReplayAllocator} over it (a dozen lines: see {@link GlibcMalloc}) and add an
 * {@link Entry} whose opener makes a fresh instance, as {@code jalloc} and {@code bestfit} do with
 * {@link JallocReplay}.
 * An opener that throws {@link AllocatorUnavailableException} makes the allocator skipped with its message.
 */
public final class Allocators {

    /** Makes one instance of an allocator, for one pass over one trace, on the thread that will use it. */
    @FunctionalInterface
    public interface Opener {
        /**
         * {@return a new instance}
         *
         * @throws AllocatorUnavailableException if the allocator cannot run in this process; the message says
         *         why and what to do
         */
        ReplayAllocator open() throws AllocatorUnavailableException;
    }

    /**
     * One allocator.
     *
     * @param name its name on the command line and in the table
     * @param description what it is, for {@code jalloc replay --help}
     * @param processWide whether its state is the whole process's (a native malloc), so that only a new process
     *        has it fresh and its footprint needs a baseline; false when every instance has memory of its own (the
     *        jalloc heap), which lets the child JVM of a checked pass warm up on throwaway instances of it (see
     *        {@link ChildCheckedPass}). Every registered allocator's checked pass runs in a child JVM.
     * @param opener makes an instance
     */
    public record Entry(String name, String description, boolean processWide, Opener opener) {

        /** {@return an allocator whose every instance starts fresh, with memory of its own} */
        public static Entry fresh(String name, String description, Opener opener) {
            return new Entry(name, description, false, opener);
        }

        /** {@return an allocator with one state per process, such as a native malloc} */
        public static Entry processWide(String name, String description, Opener opener) {
            return new Entry(name, description, true, opener);
        }
    }

    private static final List<Entry> KNOWN = List.of(
            Entry.fresh("jalloc", "the jalloc heap: size classes, slabs, pools, best-fit pages", JallocReplay::heap),
            Entry.fresh("jalloc-shared", "the jalloc shared heap (Heap.ofShared()), used from one thread",
                    JallocReplay::sharedHeap),
            Entry.fresh("bestfit", "jalloc's best-fit region allocator alone, under the heap",
                    JallocReplay::bestFit),
            Entry.processWide("glibc", "glibc's malloc, free and realloc, through FFM downcalls", GlibcMalloc::open),
            Entry.processWide("jemalloc", "jemalloc 5 (Debian package libjemalloc2: libjemalloc.so.2), through FFM "
                    + "downcalls", Jemalloc::open),
            Entry.processWide("mimalloc", "mimalloc 2 (Debian package libmimalloc2.0: libmimalloc.so.2), through FFM "
                    + "downcalls", Mimalloc::open));

    private Allocators() {
    }

    /** {@return every known allocator, available or not, in table order} */
    public static List<Entry> known() {
        return KNOWN;
    }

    /** {@return the known allocator called {@code name}, if any} */
    public static Optional<Entry> byName(String name) {
        return KNOWN.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** {@return the known names, comma-separated, for messages} */
    public static String names() {
        return KNOWN.stream().map(Entry::name).collect(Collectors.joining(", "));
    }
}
