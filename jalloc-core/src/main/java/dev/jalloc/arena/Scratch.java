package dev.jalloc.arena;

import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;

/**
 * Per-thread scratch arenas, the RAD Debugger way: each thread has {@value #ARENAS_PER_THREAD} of them, and
 * {@link #begin(Arena...)} hands out a temp on one that is not among the arenas the caller is already using
 * ({@link #begin()} and {@link #begin(Arena)} for none and for one, the common cases, without a varargs array).
 *
 * {@snippet :
 * // A function that returns its result on the caller's arena and needs scratch memory on the side.
 * static MemorySegment joined(Arena out, List<String> parts) {
 *     try (Temp scratch = Scratch.begin(out)) {      // never the arena the result goes to
 *         MemorySegment tmp = scratch.allocate(4096);
 *         // ... build in tmp, then copy the result to out ...
 *         return out.allocate(16);
 *     }                                              // scratch memory taken back
 * }
 * }
 *
 * <p>Passing the arenas in use as {@code conflicts} is what keeps a callee's scratch pushes from landing in the
 * middle of a caller's result when both use scratch memory: with two arenas per thread, a callee that gets the
 * caller's scratch arena as its output arena takes the other one.
 *
 * <p>The arenas are virtual and chained ({@value #RESERVE_SIZE}-byte reservations committed in
 * {@value #COMMIT_SIZE}-byte steps), confined to their thread, and keep {@value #RETAIN_BYTES} bytes committed
 * across temps. Thread pools keep threads alive for ever: {@link #release()} gives a thread's scratch memory back
 * (the next {@code begin} makes new arenas). The memory of a thread that ends without calling it is released
 * once the thread is gone.
 */
public final class Scratch {
    /** How many scratch arenas each thread has. */
    public static final int ARENAS_PER_THREAD = 2;
    /** The reservation of each scratch block: 64 MiB. */
    public static final long RESERVE_SIZE = 64L << 20;
    /** The commit step of scratch arenas: 256 KiB. */
    public static final long COMMIT_SIZE = 256L << 10;
    /** The position below which a scratch arena keeps pages committed: 1 MiB. */
    public static final long RETAIN_BYTES = 1L << 20;

    private static final ThreadLocal<Arenas> ARENAS = new ThreadLocal<>();
    /** The conflicts of {@link #begin()} and {@link #begin(Arena)}: none beyond the one named. */
    private static final Arena[] NO_CONFLICTS = {};

    private Scratch() {
    }

    private static final class Cleaning {
        static final Cleaner CLEANER = Cleaner.create();
    }

    /** One thread's scratch arenas; the cleaner releases them when the thread is gone. */
    private static final class Arenas {
        final LinearArena[] arenas = new LinearArena[ARENAS_PER_THREAD];
        final Cleaner.Cleanable cleanable;

        Arenas() {
            try {
                for (int i = 0; i < arenas.length; i++) {
                    arenas[i] = LinearArena.builder().reserveSize(RESERVE_SIZE).commitStep(COMMIT_SIZE)
                            .chaining(true).retainBytes(RETAIN_BYTES).build();
                }
            } catch (RuntimeException | Error e) {
                release(arenas);
                throw e;
            }
            LinearArena[] toRelease = arenas;
            cleanable = Cleaning.CLEANER.register(this, () -> release(toRelease));
        }

        static void release(LinearArena[] arenas) {
            for (LinearArena arena : arenas) {
                if (arena == null || arena.isClosed()) {
                    continue;
                }
                if (arena.owner() == Thread.currentThread()) {
                    arena.close();
                } else {
                    arena.releaseAbandoned();
                }
            }
        }
    }

    /**
     * {@return a temp on one of this thread's scratch arenas}, for a caller that uses none of them yet: the same as
     * {@link #begin(Arena...)} with no conflicts, without the varargs array. Close it when done. The first call on
     * a thread makes its arenas.
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the arenas' first reservations
     */
    public static Temp begin() {
        return beginAvoiding(null, NO_CONFLICTS);
    }

    /**
     * {@return a temp on one of this thread's scratch arenas that is not {@code conflict}}, the common case of a
     * function with one output arena: the same as {@link #begin(Arena...)} with one conflict, without the varargs
     * array. Close it when done. The first call on a thread makes its arenas.
     *
     * @param conflict the arena the caller already uses (its output arena, or a scratch arena it got from its own
     *                 caller); any {@link Arena}, or {@code null} for none; only scratch arenas matter
     * @throws IllegalStateException       if every scratch arena of this thread is {@code conflict}, which cannot
     *                                     happen while a thread has more than one ({@value #ARENAS_PER_THREAD})
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the arenas' first reservations
     */
    public static Temp begin(Arena conflict) {
        return beginAvoiding(conflict, NO_CONFLICTS);
    }

    /**
     * {@return a temp on one of this thread's scratch arenas that is none of {@code conflicts}}; close it when
     * done. The first call on a thread makes its arenas. With no conflict or one, {@link #begin()} and
     * {@link #begin(Arena)} do the same without an array.
     *
     * @param conflicts arenas the caller already uses (its output arena, a scratch arena it got from its own
     *                  caller); may be empty; any {@link Arena} may be named, only scratch arenas matter
     * @throws IllegalStateException       if every scratch arena of this thread is among {@code conflicts}
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the arenas' first reservations
     */
    public static Temp begin(Arena... conflicts) {
        return beginAvoiding(null, conflicts);
    }

    /**
     * The one choice of a scratch arena behind every {@code begin}: the first of this thread's arenas that is
     * neither {@code conflict} nor among {@code conflicts}. The overloads pass a constant empty array, which the
     * JIT folds away with the loop over it.
     */
    private static Temp beginAvoiding(Arena conflict, Arena[] conflicts) {
        Arenas mine = ARENAS.get();
        if (mine == null) {
            mine = new Arenas();
            ARENAS.set(mine);
        }
        next:
        for (LinearArena arena : mine.arenas) {
            if (arena == conflict) {
                continue;
            }
            for (Arena other : conflicts) {
                if (other == arena) {
                    continue next;
                }
            }
            return arena.temp();
        }
        throw new IllegalStateException("all " + ARENAS_PER_THREAD + " scratch arenas of " + Thread.currentThread()
                + " are among the conflicts");
    }

    /**
     * Gives this thread's scratch arenas back to the OS; the next {@link #begin} makes new ones. Does nothing if
     * the thread has none.
     *
     * @throws IllegalStateException if a scratch temp of this thread is still open; nothing is released
     */
    public static void release() {
        Arenas mine = ARENAS.get();
        if (mine == null) {
            return;
        }
        for (LinearArena arena : mine.arenas) {
            if (arena.hasOpenTemp()) {
                throw new IllegalStateException("a scratch temp of " + Thread.currentThread()
                        + " is still open: close it before releasing scratch memory");
            }
        }
        ARENAS.remove();
        mine.cleanable.clean();
    }

    /** {@return bytes committed by this thread's scratch arenas; 0 if it has none} */
    public static long committedBytes() {
        Arenas mine = ARENAS.get();
        long sum = 0;
        if (mine != null) {
            for (LinearArena arena : mine.arenas) {
                sum += arena.committedBytes();
            }
        }
        return sum;
    }
}
