package dev.jalloc.cli.ui;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one wording of usage errors, for every command: what was wrong, then where to read more, on stderr,
 * and exit status {@value #STATUS}.
 * <pre>
 *   jalloc replay: unknown option '--frobnicate'
 *   try 'jalloc replay --help'
 * </pre>
 * A command's own checks throw {@link ParameterException} with their problem as the message (in the
 * project's format, {@code --repeat: '0' (expected: an integer in [1, 1000])}); picocli's own refusals are
 * reworded here into the same style.
 */
public final class UsageErrors {
    /** The exit status of a usage error (picocli's {@code ExitCode.USAGE}, and the shell's habit). */
    public static final int STATUS = 2;

    private UsageErrors() {
    }

    /** Prints {@code e} as a usage error on its command's stderr; {@return {@value #STATUS}} */
    static int print(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        PrintWriter err = command.getErr();
        err.println(name + ": " + problem(e));
        err.println("try '" + name + " --help'");
        err.flush();
        return STATUS;
    }

    /** {@return what was wrong, in one line} */
    static String problem(ParameterException e) {
        return switch (e) {
            case UnmatchedArgumentException unmatched -> unmatched(unmatched);
            case MissingParameterException missing -> missing(missing.getMissing());
            default -> e.getCause() instanceof TypeConversionException invalid && e.getArgSpec() != null
                    ? name(e.getArgSpec()) + ": " + invalid.getMessage()
                    : asOurs(e.getMessage());
        };
    }

    /** {@return a message of picocli's as jalloc's read: lower case first, no final period} */
    private static String asOurs(String message) {
        String ours = message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
        return ours.isEmpty() ? ours : Character.toLowerCase(ours.charAt(0)) + ours.substring(1);
    }

    private static String unmatched(UnmatchedArgumentException e) {
        String first = e.getUnmatched().isEmpty() ? "" : e.getUnmatched().getFirst();
        String problem;
        if (e.isUnknownOption()) {
            problem = "unknown option '" + first + "'";
        } else if (!e.getCommandLine().getSubcommands().isEmpty()) {
            problem = "unknown command '" + first + "'";
        } else {
            problem = "unexpected argument '" + first + "'";
        }
        List<String> suggestions = closest(first, e.getSuggestions());
        if (!suggestions.isEmpty()) {
            problem += " (did you mean " + suggestions.stream().map(s -> "'" + s + "'")
                    .collect(Collectors.joining(" or ")) + "?)";
        }
        return problem;
    }

    /**
     * {@return the suggestions nearest to what was typed}: picocli suggests every name sharing a prefix with it
     * ('repaly' gets replay, redis and redisbench); only those at the least edit distance are worth naming.
     */
    private static List<String> closest(String typed, List<String> suggestions) {
        int best = Integer.MAX_VALUE;
        for (String s : suggestions) {
            best = Math.min(best, distance(typed, s));
        }
        int least = best;
        return suggestions.stream().filter(s -> distance(typed, s) == least).toList();
    }

    /** {@return the Levenshtein distance of {@code a} and {@code b}} */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** jalloc has no required option: a missing option is one given last, without its value. */
    private static String missing(List<ArgSpec> missing) {
        if (missing.isEmpty()) {
            return "missing argument";
        }
        ArgSpec first = missing.getFirst();
        return first instanceof OptionSpec ? name(first) + " needs a value" : "missing " + name(first);
    }

    private static String name(ArgSpec arg) {
        return switch (arg) {
            case OptionSpec option -> option.longestName();
            case PositionalParamSpec positional -> positional.paramLabel();
            default -> arg.toString();
        };
    }
}
