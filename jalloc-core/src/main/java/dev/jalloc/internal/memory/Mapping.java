package dev.jalloc.internal.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@link Reservation} together with the lifetime of every segment over it: one owner ends both, the scope first
 * (so that no segment can reach the range any more, the JDK's handshake guaranteeing it for a shared scope) and
 * then the mapping. A heap's huge allocation and a vector's or allocator's own reservation are mappings.
 */
public final class Mapping {
    private final Reservation reservation;
    private final Arena scope;
    private final MemorySegment segment;
    private final boolean shared;
    /** Gives the range back if the owner and every segment become unreachable before {@link #release()}. */
    private final Unreachable watch;

    private Mapping(Reservation reservation, boolean shared, String what, Throwable site) {
        this.reservation = reservation;
        this.shared = shared;
        this.scope = shared ? Arena.ofShared() : Arena.ofConfined();
        this.segment = MemorySegment.ofAddress(reservation.address()).reinterpret(reservation.byteSize(), scope, null);
        this.watch = Unreachable.watch(scope.scope(), what + " (" + reservation + ")", reservation::release, site);
    }

    /**
     * {@return a mapping over {@code reservation}, whose segments are accessible from every thread ({@code shared})
     * or from the calling thread only}
     *
     * @param what what it is for, for the report if its owner never releases it
     * @param site where its owner was made, or null
     */
    public static Mapping of(Reservation reservation, boolean shared, String what, Throwable site) {
        return new Mapping(reservation, shared, what, site);
    }

    /** {@return the reservation} */
    public Reservation reservation() {
        return reservation;
    }

    /** {@return a segment over the whole range, with this mapping's lifetime} */
    public MemorySegment segment() {
        return segment;
    }

    /** {@return whether its segments are accessible from every thread} */
    public boolean isShared() {
        return shared;
    }

    /**
     * Ends the lifetime of every segment over the range, then returns the range to the OS.
     *
     * @throws IllegalStateException if a segment over it is in use by a downcall right now (as {@link Arena#close()});
     *                               nothing has changed then
     * @throws WrongThreadException  if the mapping is confined to another thread
     */
    public void release() {
        endScope();
        reservation.release();
        watch.closed();
    }

    /**
     * Ends the lifetime of every segment over the range, leaving it mapped: the step of {@link #release()} that may
     * be refused, taken first by an owner that must not change anything if it is. Idempotent.
     *
     * @throws IllegalStateException if a segment over it is in use by a downcall right now; nothing has changed
     */
    public void endScope() {
        if (scope.scope().isAlive()) {
            scope.close();
        }
    }
}
