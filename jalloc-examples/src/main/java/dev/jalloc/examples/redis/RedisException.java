package dev.jalloc.examples.redis;

import java.io.Serial;

/**
 * A command's failure, sent to the client as an error reply ({@code -} followed by the message); the server and
 * the connection go on. The message starts with Redis's error code ({@code ERR}, {@code WRONGTYPE}, ...).
 * Thrown before anything changes: a command that fails changes nothing.
 */
public final class RedisException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    static final RedisException WRONG_TYPE =
            new RedisException("WRONGTYPE Operation against a key holding the wrong kind of value");
    static final RedisException NOT_AN_INTEGER = new RedisException("ERR value is not an integer or out of range");
    static final RedisException OVERFLOW = new RedisException("ERR increment or decrement would overflow");
    static final RedisException SYNTAX = new RedisException("ERR syntax error");

    /**
     * A failure with its reply.
     *
     * @param message the error reply without the leading {@code -}, starting with its code
     */
    public RedisException(String message) {
        super(message, null, false, false);   // no stack trace: an error reply is not a bug
    }

    static RedisException wrongArgs(Args args) {
        return new RedisException("ERR wrong number of arguments for '" + args.string(0).toLowerCase() + "' command");
    }

    static RedisException tooLarge(long length, long limit) {
        return new RedisException("ERR string exceeds maximum allowed size (" + length + " bytes; the limit is "
                + limit + ", --max-value-bytes)");
    }
}
