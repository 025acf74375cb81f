package dev.jalloc.internal.util;

/**
 * The one check that an allocator is open and used from a thread that may use it, and the one wording of its two
 * exceptions. Every public type calls it on its slow paths; fast paths compare {@code Thread.currentThread()} with
 * a field that is {@code null} once closed (or for shared allocators) and come here to throw.
 */
public final class Confinement {
    private Confinement() {
    }

    /**
     * Checks that {@code what} is open and that the calling thread may use it.
     *
     * @param what   the allocator, named in messages by its simple class name
     * @param owner  the thread it is confined to, or {@code null} if any thread may use it
     * @param closed whether it is closed
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public static void check(Object what, Thread owner, boolean closed) {
        if (closed) {
            throw closed(what);
        }
        if (owner != null && owner != Thread.currentThread()) {
            throw wrongThread(what, owner);
        }
    }

    /** {@return the exception for a use of {@code what} after its close} */
    public static IllegalStateException closed(Object what) {
        return new IllegalStateException("Already closed: " + name(what));
    }

    /** {@return the exception for a use of {@code what} from a thread other than {@code owner}} */
    public static WrongThreadException wrongThread(Object what, Thread owner) {
        return new WrongThreadException(name(what) + " is confined to thread " + owner.getName() + ", used from thread "
                + Thread.currentThread().getName());
    }

    private static String name(Object what) {
        return what instanceof String s ? s : what.getClass().getSimpleName();
    }
}
