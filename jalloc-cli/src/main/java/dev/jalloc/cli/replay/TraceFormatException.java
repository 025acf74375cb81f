package dev.jalloc.cli.replay;

import java.io.Serial;

/**
 * A trace that is not a legal malloc-lab trace. The message starts with {@code file:line: } (the path as the
 * user gave it, the line counting from 1), as a compiler's does, so that editors can jump to it:
 * {@code realloc-bal.rep:17: free of id 3, which is not allocated}.
 */
public final class TraceFormatException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;

    TraceFormatException(String source, int line, String problem) {
        super(source + ":" + line + ": " + problem);
        this.source = source;
        this.line = line;
    }

    /** {@return the trace file, as the user named it} */
    public String source() {
        return source;
    }

    /** {@return the line in error, counting from 1} */
    public int line() {
        return line;
    }
}
