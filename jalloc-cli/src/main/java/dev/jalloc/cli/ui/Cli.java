package dev.jalloc.cli.ui;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The picocli setup every jalloc command shares: where help and errors go, how usage errors read
 * ({@link UsageErrors}), and how options parse. {@code dev.jalloc.cli.Main} sets up the whole tree with it;
 * a command run alone (by its tests) goes through {@link #runAlone} and reads the same.
 */
public final class Cli {
    /** The command's name, as the user types it and as messages begin. */
    public static final String NAME = "jalloc";

    private Cli() {
    }

    /**
     * Sets up {@code jalloc} and every subcommand it has now: help on {@code out}, usage errors on {@code err}
     * as {@link UsageErrors} writes them, colours only when {@code out} is this process's stdout (picocli
     * then asks whether it is a terminal), and an option given twice keeps its last value.
     *
     * @return {@code jalloc}
     */
    public static CommandLine configure(CommandLine jalloc, PrintStream out, PrintStream err) {
        jalloc.setOut(new PrintWriter(out, true));
        jalloc.setErr(new PrintWriter(err, true));
        jalloc.setColorScheme(Help.defaultColorScheme(out == System.out ? Help.Ansi.AUTO : Help.Ansi.OFF));
        jalloc.setOverwrittenOptionsAllowed(true);
        jalloc.setParameterExceptionHandler(UsageErrors::print);
        return jalloc;
    }

    /**
     * Runs {@code command} alone, as a subcommand of a bare {@code jalloc} so that its usage and its errors
     * name it as the full command does ({@code jalloc replay: ...}).
     *
     * @return the exit status
     */
    public static int runAlone(CommandLine command, String[] args, PrintStream out, PrintStream err) {
        CommandLine jalloc = new CommandLine(CommandSpec.create().name(NAME));
        jalloc.addSubcommand(command);
        configure(jalloc, out, err);
        List<String> all = new ArrayList<>(List.of(command.getCommandName()));
        all.addAll(List.of(args));
        return jalloc.execute(all.toArray(String[]::new));
    }
}
