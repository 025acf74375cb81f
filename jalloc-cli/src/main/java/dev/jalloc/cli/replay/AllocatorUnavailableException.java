package dev.jalloc.cli.replay;

import java.io.Serial;

/**
 * An allocator that cannot run in this process: its native library is missing or cannot be loaded, or it is
 * not written yet. The replay skips it, printing the message, which says why and what to do about it.
 */
public final class AllocatorUnavailableException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    AllocatorUnavailableException(String message) {
        super(message);
    }
}
