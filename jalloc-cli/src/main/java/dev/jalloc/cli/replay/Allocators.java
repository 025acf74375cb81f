package dev.jalloc.cli.replay;

import dev.jalloc.heap.Hardening;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The allocators {@code jalloc replay} knows, by name, in the order of the table. This is the one place to
 * register one: write a {@link ReplayAllocator} over it (a dozen lines: see {@link GlibcMalloc}) and add an
 * {@link Entry} whose opener makes a fresh instance, as {@code jalloc} and {@code bestfit} do with
 * {@link JallocReplay}.
 * An opener that throws {@link AllocatorUnavailableException} makes the allocator skipped with its message.
 *
 * <p>The last three are the hardened anchors, prebuilt in {@code ../shared/natives} ({@link Anchor},
 * {@link SharedNatives}): {@code mimalloc-secure} loads and runs like Debian's mimalloc; {@code hardened} and
 * {@code hardened-light} must be the whole process's malloc, so both their passes run in child JVMs started with
 * {@code LD_PRELOAD} ({@link ChildCheckedPass}, {@link ChildTimedPass}), and a run replays on them only when it
 * names them ({@link Entry#byDefault()}).
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
     * @param anchor its prebuilt library in {@code ../shared/natives}, or null if it is not one of those anchors
     * @param optIn whether it runs only when named with {@code --allocator} (the hardened jalloc levels)
     */
    public record Entry(String name, String description, boolean processWide, Opener opener, Anchor anchor,
            boolean optIn) {

        /** {@return an allocator whose every instance starts fresh, with memory of its own} */
        public static Entry fresh(String name, String description, Opener opener) {
            return new Entry(name, description, false, opener, null, false);
        }

        /** {@return a fresh allocator that runs only when named} */
        public static Entry freshOptIn(String name, String description, Opener opener) {
            return new Entry(name, description, false, opener, null, true);
        }

        /** {@return an allocator with one state per process, such as a native malloc} */
        public static Entry processWide(String name, String description, Opener opener) {
            return new Entry(name, description, true, opener, null, false);
        }

        /**
         * {@return whether it must be the whole process's malloc: its checked pass and its timed passes run in
         * child JVMs started with {@code LD_PRELOAD} ({@link #childEnvironment()})}
         */
        public boolean preloaded() {
            return anchor != null && anchor.preload();
        }

        /**
         * {@return whether a run that names no allocator replays on it} Every allocator does, but the anchors of
         * {@code ../shared/natives} that are missing here (a clone has none: no message each run for them) or
         * must be preloaded (hardened_malloc: two more child JVMs per trace, and 2 to 4 times glibc's time).
         */
        public boolean byDefault() {
            return !optIn && (anchor == null || !anchor.preload() && SharedNatives.isPresent(anchor.fileName()));
        }

        /**
         * {@return what its child JVMs add to this process's environment: {@code LD_PRELOAD} for a preloaded
         * allocator, else nothing}
         *
         * @throws AllocatorUnavailableException if its library is missing
         */
        public Map<String, String> childEnvironment() throws AllocatorUnavailableException {
            if (!preloaded()) {
                return Map.of();
            }
            return Map.of("LD_PRELOAD", SharedNatives.file(anchor.fileName()).toString());
        }

        /**
         * Checks that it can run: opens and closes an instance here, or for a preloaded allocator (which cannot
         * run in this process) checks that its library is there.
         *
         * @throws AllocatorUnavailableException if it cannot run; the message says why and what to do
         */
        public void probe() throws AllocatorUnavailableException {
            if (preloaded()) {
                SharedNatives.file(anchor.fileName());
                return;
            }
            opener.open().close();
        }
    }

    /**
     * A hardened anchor: an allocator prebuilt in {@code ../shared/natives} ({@link SharedNatives}).
     *
     * @param fileName its library's file name there
     * @param preload whether it must be the whole process's malloc ({@code LD_PRELOAD}), as hardened_malloc must
     */
    public record Anchor(String fileName, boolean preload) {
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
                    + "downcalls", Mimalloc::debian),
            new Entry("mimalloc-secure", "mimalloc 2.0.9 built with MI_SECURE=ON (../shared/natives/"
                    + SharedNatives.MIMALLOC_SECURE + "), via FFM downcalls", true, Mimalloc::secure,
                    new Anchor(SharedNatives.MIMALLOC_SECURE, false), false),
            new Entry("hardened", "hardened_malloc, default configuration (../shared/natives/"
                    + SharedNatives.HARDENED + "), LD_PRELOADed", true,
                    () -> HardenedMalloc.open(SharedNatives.HARDENED), new Anchor(SharedNatives.HARDENED, true),
                    false),
            new Entry("hardened-light", "hardened_malloc, light configuration (../shared/natives/"
                    + SharedNatives.HARDENED_LIGHT + "), LD_PRELOADed", true,
                    () -> HardenedMalloc.open(SharedNatives.HARDENED_LIGHT),
                    new Anchor(SharedNatives.HARDENED_LIGHT, true), false),
            Entry.freshOptIn("jalloc-light", "the jalloc heap at Hardening.LIGHT (zero on free, canaries); named "
                    + "only", () -> JallocReplay.hardened(Hardening.LIGHT)),
            Entry.freshOptIn("jalloc-standard", "the jalloc heap at Hardening.STANDARD (quarantines, write-after-free"
                    + " check, guard pages from 128 KiB); named only", () -> JallocReplay.hardened(Hardening.STANDARD)),
            Entry.freshOptIn("jalloc-full", "the jalloc heap at Hardening.FULL; named only",
                    () -> JallocReplay.hardened(Hardening.FULL)));

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
