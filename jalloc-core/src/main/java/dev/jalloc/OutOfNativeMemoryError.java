package dev.jalloc;

import java.io.Serial;

/**
 * Thrown when an allocation cannot be satisfied: the operating system refused to reserve or commit memory,
 * or an allocator that may not grow has no room left.
 *
 * <p>It is an {@link OutOfMemoryError}, like the one {@link java.lang.foreign.Arena#allocate(long, long)} throws
 * when {@code malloc} fails, so code written against the JDK's arenas handles it already. Unlike a Java heap
 * {@code OutOfMemoryError} it leaves the allocator usable: the failed request changed nothing, and smaller
 * requests, or requests after a pop, may succeed.
 *
 * <p>When the operating system refused, {@link #getCause()} is the {@link SystemCallException} that says which
 * call and why.
 */
public final class OutOfNativeMemoryError extends OutOfMemoryError {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates an error with a message and no cause: the allocator itself has no room.
     *
     * @param message what was asked for and what was left
     */
    public OutOfNativeMemoryError(String message) {
        super(message);
    }

    /**
     * Creates an error for a request the operating system refused.
     *
     * @param message what was asked for
     * @param cause   the refused system call
     */
    public OutOfNativeMemoryError(String message, SystemCallException cause) {
        super(message + ": " + cause.getMessage());
        initCause(cause);
    }
}
