package dev.jalloc.cli.replay;

import java.io.Serial;

/**
 * A replay that went wrong in the allocator: a payload lost bytes, two live blocks overlap, a block is
 * misaligned, or the allocator refused a request. The message starts with {@code file:line: allocator:},
 * naming the op at which the problem was seen.
 */
public final class ReplayException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    ReplayException(String message) {
        super(message);
    }

    ReplayException(String message, Throwable cause) {
        super(message, cause);
    }
}
