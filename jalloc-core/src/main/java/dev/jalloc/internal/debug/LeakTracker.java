package dev.jalloc.internal.debug;

import dev.jalloc.DebugLevel;
import dev.jalloc.LeakReport;
import dev.jalloc.internal.jfr.Jfr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The allocation sites of an allocator's live blocks, at the levels that keep them ({@link DebugLevel#SAMPLED},
 * {@link DebugLevel#ALL}, {@link DebugLevel#PARANOID}); at the others the allocator has none and pays nothing.
 * Safe for any number of threads.
 *
 * <pre>
 *   live    address -> (usable bytes, site)     a block with its site known (every block, or the sampled ones)
 *   sites   site -> the same site               interned: blocks of one place share one Site object
 * </pre>
 * The allocator calls {@link #allocated} after handing out a block, and {@link #forget} before freeing one (then
 * {@link #restore} if the free was refused), so that an address freed and handed out again by another thread
 * is never removed after it was entered anew.
 */
public final class LeakTracker {
    /** The mean gap between samples at {@link DebugLevel#SAMPLED}: {@value} bytes (jemalloc's default 2^19). */
    public static final long SAMPLE_BYTES = 512 << 10;
    /** Frames kept per site. */
    private static final int FRAMES = 16;
    private static final StackWalker WALKER = StackWalker.getInstance();

    private final boolean every;
    /** What the JFR allocation samples name as their allocator. */
    private final String label;
    private final Map<Long, Block> live = new ConcurrentHashMap<>();
    private final Map<Site, Site> sites = new ConcurrentHashMap<>();
    /** Bytes until the next sample; read and written without synchronization (a lost update shifts one sample). */
    private long untilSample = nextGap();

    private record Block(long bytes, Site site) {
    }

    /** A site: its frames, compared by content. */
    private record Site(List<StackTraceElement> frames) {
    }

    /**
     * @param level a level that keeps sites
     * @param label what the JFR allocation samples name as their allocator
     */
    public LeakTracker(DebugLevel level, String label) {
        if (!level.keepsSites()) {
            throw new IllegalArgumentException("level " + level + " keeps no sites");
        }
        this.every = level != DebugLevel.SAMPLED;
        this.label = label;
    }

    /** Records that the block at {@code address} of {@code bytes} usable bytes was just handed out. */
    public void allocated(long address, long bytes) {
        long left = untilSample - bytes;
        boolean sampled = left <= 0;
        untilSample = sampled ? nextGap() : left;
        if (sampled) {
            Jfr.allocationSample(label, address, bytes);   // at every level that keeps sites: the same rate
        } else if (!every) {
            return;
        }
        live.put(address, new Block(bytes, site()));
    }

    /** {@return the record of the block at {@code address}, now removed (null if it had none): before its free} */
    public Object forget(long address) {
        return live.isEmpty() ? null : live.remove(address);
    }

    /** Puts back what {@link #forget} returned, when the free it preceded was refused. */
    public void restore(long address, Object record) {
        if (record != null) {
            live.put(address, (Block) record);
        }
    }

    /** {@return a report of the live blocks: {@code liveBlocks} and {@code liveBytes} from the allocator's counters} */
    public static LeakReport report(String allocator, DebugLevel level, long liveBlocks, long liveBytes,
            LeakTracker tracker) {
        List<LeakReport.Site> grouped = new ArrayList<>();
        if (tracker != null) {
            Map<Site, long[]> bySite = new IdentityHashMap<>();
            for (Block b : tracker.live.values()) {
                long[] n = bySite.computeIfAbsent(b.site(), s -> new long[2]);
                n[0]++;
                n[1] += b.bytes();
            }
            bySite.forEach((site, n) -> grouped.add(new LeakReport.Site(site.frames(), n[0], n[1])));
            grouped.sort(Comparator.comparingLong(LeakReport.Site::bytes).reversed()
                    .thenComparing(s -> String.valueOf(s.caller())));
        }
        return new LeakReport(allocator, level, liveBlocks, liveBytes, grouped);
    }

    /** {@return the calling site, interned: the stack from the first frame outside the allocator} */
    private Site site() {
        StackTraceElement[] frames = WALKER.walk(s -> s.dropWhile(LeakTracker::isAllocatorFrame).limit(FRAMES)
                .map(StackWalker.StackFrame::toStackTraceElement).toArray(StackTraceElement[]::new));
        Site site = new Site(Arrays.asList(frames));
        Site known = sites.putIfAbsent(site, site);
        return known != null ? known : site;
    }

    /** {@return whether the frame is jalloc's own, above the program's call: its allocators and internals} */
    private static boolean isAllocatorFrame(StackWalker.StackFrame f) {
        String c = f.getClassName();
        return c.startsWith("dev.jalloc.internal.") || c.equals("dev.jalloc.heap.RegionAllocator")
                || c.equals("dev.jalloc.heap.Heap") || c.equals("dev.jalloc.heap.BestFitAllocator");
    }

    private static long nextGap() {
        return 1 + (long) (-Math.log(1 - ThreadLocalRandom.current().nextDouble()) * SAMPLE_BYTES);
    }
}
