package dev.jalloc;

import dev.jalloc.internal.util.Bits;
import java.util.List;

/**
 * What an allocator still holds for its program: the blocks live when the report was made, grouped by where they
 * were allocated, the site with the most bytes first. Deterministic: made from the allocator's own records, not from
 * a garbage collection.
 *
 * <pre>
 *   liveBlocks, liveBytes       every live block (from the allocator's counters, at every level)
 *   sites                       the blocks whose site is known: every block at ALL and PARANOID, a sample (one
 *                               per 512 KiB allocated, on average) at SAMPLED, none at LEAKS
 * </pre>
 *
 * @param allocator  what was reported on, as its {@code toString()} said
 * @param level      the allocator's debug level
 * @param liveBlocks blocks live
 * @param liveBytes  their usable bytes
 * @param sites      the live blocks whose site is known, grouped by site, most bytes first
 */
public record LeakReport(String allocator, DebugLevel level, long liveBlocks, long liveBytes, List<Site> sites) {

    /**
     * Makes a report; {@code sites} is copied.
     *
     * @throws NullPointerException if an argument is null
     */
    public LeakReport {
        java.util.Objects.requireNonNull(allocator, "allocator");
        java.util.Objects.requireNonNull(level, "level");
        sites = List.copyOf(sites);
    }

    /**
     * The live blocks allocated at one place.
     *
     * @param frames where: the stack of the allocating call, the allocator's own frames left out, the caller first
     * @param blocks live blocks allocated there
     * @param bytes  their usable bytes
     */
    public record Site(List<StackTraceElement> frames, long blocks, long bytes) {
        /**
         * Makes a site; {@code frames} is copied.
         *
         * @throws NullPointerException if {@code frames} is null
         */
        public Site {
            frames = List.copyOf(frames);
        }

        /** {@return the frame that called the allocator, or null if the stack was empty} */
        public StackTraceElement caller() {
            return frames.isEmpty() ? null : frames.getFirst();
        }
    }

    /** {@return whether nothing is live} */
    public boolean isEmpty() {
        return liveBlocks == 0;
    }

    /** {@return the report as lines: totals, then each site with its frames (up to 8 of them)} */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(liveBlocks).append(liveBlocks == 1 ? " block" : " blocks").append(" (").append(Bits.bytes(liveBytes))
                .append(") still live in ").append(allocator).append(", debug level ").append(level);
        long known = 0;
        for (Site s : sites) {
            known += s.blocks();
        }
        if (level.keepsSites()) {
            b.append("; ").append(known).append(" with their site");
        }
        b.append('\n');
        for (Site s : sites) {
            b.append("  ").append(s.blocks()).append(s.blocks() == 1 ? " block, " : " blocks, ")
                    .append(Bits.bytes(s.bytes())).append(", allocated at\n");
            int n = 0;
            for (StackTraceElement f : s.frames()) {
                if (n++ == 8) {
                    b.append("      ...\n");
                    break;
                }
                b.append("      at ").append(f).append('\n');
            }
        }
        return b.toString();
    }
}
