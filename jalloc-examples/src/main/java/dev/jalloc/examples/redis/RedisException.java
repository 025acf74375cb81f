package dev.jalloc.examples.redis;

import java.io.Serial;
import java.util.Locale;

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
        return wrongArgs(args.string(0).toLowerCase(Locale.ROOT));
    }

    /** {@return Redis's arity error for {@code name}}, a command's or {@code command|subcommand} in lower case */
    static RedisException wrongArgs(String name) {
        return new RedisException("ERR wrong number of arguments for '" + name + "' command");
    }

    /** {@return Redis's error for a subcommand it does not know: {@code CONFIG FOO}} */
    static RedisException unknownSubcommand(Args args) {
        return new RedisException("ERR unknown subcommand '" + cut(args.string(1), 128) + "'. Try "
                + args.string(0).toUpperCase(Locale.ROOT) + " HELP.");
    }

    /**
     * {@return Redis's error for a command it does not know}: the name, then the arguments quoted while fewer than 128
     * characters are (the last one cut to fit), as Redis's {@code processCommand} writes it.
     */
    static RedisException unknownCommand(Args args) {
        StringBuilder quoted = new StringBuilder();
        for (int i = 1; i < args.count() && quoted.length() < 128; i++) {
            int room = 128 - quoted.length();
            quoted.append('\'').append(cut(args.string(i), room)).append("' ");
        }
        return new RedisException("ERR unknown command '" + cut(args.string(0), 128) + "', with args beginning with: "
                + quoted);
    }

    private static String cut(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }

    static RedisException tooLarge(long length, long limit) {
        return new RedisException("ERR string exceeds maximum allowed size (" + length + " bytes; the limit is "
                + limit + ", --max-value-bytes)");
    }
}
