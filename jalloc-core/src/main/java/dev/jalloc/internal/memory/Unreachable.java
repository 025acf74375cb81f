package dev.jalloc.internal.memory;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Memory of allocators that became unreachable without {@code close()}: given back when the lifetime (the
 * {@link MemorySegment.Scope}) of every segment over it is unreachable, as {@link java.lang.foreign.Arena#ofAuto()}
 * does, and reported through {@link System.Logger} {@code dev.jalloc.leaks} at {@code WARNING}, with where it was
 * made when a debug level asked for that.
 *
 * <pre>
 *   owner (allocator) --> Arena --> scope  <-- every segment over the memory
 *   Cleaner watches the scope: unreachable  =>  no segment can reach the memory  =>  release it (munmap)
 *   the action holds what it releases (a Reservation, a chain of blocks), never the scope or the owner
 * </pre>
 * A raw address is not a segment: memory reached only through raw addresses of an allocator nobody references any
 * more is released too, as the JDK's automatic arena's is.
 */
public final class Unreachable {
    private static final System.Logger LOG = System.getLogger("dev.jalloc.leaks");
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "jalloc cleaner");
        t.setDaemon(true);
        return t;
    });

    private final AtomicBoolean done = new AtomicBoolean();
    private final Cleaner.Cleanable cleanable;

    private Unreachable(MemorySegment.Scope scope, String what, Runnable release, Throwable site) {
        AtomicBoolean flag = done;
        this.cleanable = CLEANER.register(scope, () -> {
            if (flag.getAndSet(true)) {
                return;   // closed by its owner, which then deregisters
            }
            try {
                release.run();
                LOG.log(System.Logger.Level.WARNING, what + " became unreachable without close(): given back by the"
                        + " cleaner" + (site == null ? " (-Djalloc.debug=leaks says where it was made)" : ""), site);
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, what + " became unreachable without close(), and could not be "
                        + "given back: " + e, e);
            }
        });
    }

    /**
     * {@return a watch over {@code scope}: when it becomes unreachable before {@link #closed()}, {@code release} runs
     * on the cleaner's thread and {@code what} is logged}
     *
     * @param release gives the memory back; it must not reach {@code scope} (or the watch never fires)
     * @param site    where the owner was made, or null
     */
    public static Unreachable watch(MemorySegment.Scope scope, String what, Runnable release, Throwable site) {
        return new Unreachable(scope, what, release, site);
    }

    /** The owner released the memory itself: the watch does nothing and is dropped. */
    public void closed() {
        done.set(true);
        cleanable.clean();
    }

    /** {@return where the caller was made, for a report: a throwable whose stack is the caller's} */
    public static Throwable site(String what) {
        return new Throwable(what + " was made here");
    }
}
