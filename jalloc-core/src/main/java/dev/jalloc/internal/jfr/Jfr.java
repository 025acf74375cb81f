package dev.jalloc.internal.jfr;

import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The door to jalloc's JFR events: each method does nothing when {@code jdk.jfr} is not in the runtime, and the
 * event classes ({@link Events}) are loaded only when it is. Called from slow paths and sampled points only.
 */
public final class Jfr {
    /** OS calls smaller than this many bytes emit no {@code dev.jalloc.OsMemory} event: {@value}. */
    public static final long OS_MIN_BYTES = 64 << 10;
    private static final boolean AVAILABLE = available();

    /** What a periodic usage event reads of an allocator, without its thread check: racy, never native memory. */
    public interface UsageSource {
        /** {@return the allocator's kind: heap, best fit, arena, vector} */
        String kind();

        /** {@return {reserved, committed, live} bytes, or null once closed} */
        long[] usage();
    }

    private static final ConcurrentLinkedQueue<WeakReference<UsageSource>> SOURCES = new ConcurrentLinkedQueue<>();
    /** Registrations since the last sweep of collected and closed sources (without a recording, nothing else does). */
    private static final AtomicInteger REGISTERED = new AtomicInteger();
    private static final int SWEEP_EVERY = 1024;

    private Jfr() {
    }

    private static boolean available() {
        Module jfr = ModuleLayer.boot().findModule("jdk.jfr").orElse(null);
        if (jfr == null || !Jfr.class.getModule().canRead(jfr)) {
            return false;
        }
        try {
            Events.register(Jfr::emitUsage);
            return true;
        } catch (LinkageError | RuntimeException e) {
            return false;   // an image without it, or a security policy: no events, nothing else changes
        }
    }

    /** Adds {@code source} to the allocators the periodic usage event reports (held weakly). */
    public static void register(UsageSource source) {
        if (AVAILABLE) {
            SOURCES.add(new WeakReference<>(source));
            if (REGISTERED.incrementAndGet() % SWEEP_EVERY == 0) {
                SOURCES.removeIf(r -> {
                    UsageSource s = r.get();
                    return s == null || s.usage() == null;
                });
            }
        }
    }

    private static void emitUsage() {
        for (Iterator<WeakReference<UsageSource>> i = SOURCES.iterator(); i.hasNext(); ) {
            UsageSource s = i.next().get();
            long[] u;
            try {
                u = s == null ? null : s.usage();
            } catch (RuntimeException e) {
                continue;   // a racy read of an allocator its thread is changing: it is read again next period
            }
            if (u == null) {
                i.remove();   // collected or closed
            } else {
                Events.usage(s.kind(), Integer.toHexString(System.identityHashCode(s)), u[0], u[1], u[2]);
            }
        }
    }

    /** An OS memory call: {@code operation} is reserve, commit, purge, decommit (a guard page) or release. */
    public static void osMemory(String operation, long address, long bytes) {
        if (AVAILABLE && bytes >= OS_MIN_BYTES) {
            Events.osMemory(operation, address, bytes);
        }
    }

    /** A sampled allocation, with the calling thread's stack. */
    public static void allocationSample(String allocator, long address, long bytes) {
        if (AVAILABLE) {
            Events.allocationSample(allocator, address, bytes);
        }
    }

    /** A site with blocks still live when its allocator closed. */
    public static void leak(String allocator, long blocks, long bytes, String site) {
        if (AVAILABLE) {
            Events.leak(allocator, blocks, bytes, site);
        }
    }

    /** An invariant walk found a violation. */
    public static void corruption(String allocator, String violation) {
        if (AVAILABLE) {
            Events.corruption(allocator, violation);
        }
    }
}
