package dev.jalloc.cli;

import dev.jalloc.cli.plot.PlotCommand;
import dev.jalloc.cli.replay.ReplayCommand;
import dev.jalloc.cli.ui.Cli;
import dev.jalloc.cli.ui.HelpOption;
import dev.jalloc.cli.viz.VizCommand;
import dev.jalloc.heap.Heap;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code jalloc} command, and its tree of subcommands (picocli): {@code demo} ({@link Demo}),
 * {@code replay} ({@link ReplayCommand}), {@code viz} ({@link VizCommand}), {@code plot} ({@link PlotCommand}),
 * {@code sizeclasses}, {@code bench}, {@code mtbench}, {@code redisbench} and {@code redis}
 * ({@link LauncherCommands}: the {@code ./jalloc} launcher runs them on jalloc-bench's jar or jalloc-examples'
 * module, they are here for the help and the completion), {@code completion} ({@link CompletionCommand}) and {@code help}. The launcher
 * builds on first use and runs this class on JDK 25.
 */
@Command(name = Cli.NAME, synopsisSubcommandLabel = "COMMAND",
        description = "Off-heap memory allocation for Java 25 on the FFM API: a demo, trace replays, heap pictures, "
                + "benchmarks and their charts, and a Redis-protocol server on the heap.",
        footer = {"", "'jalloc COMMAND --help' (or 'jalloc help COMMAND') prints a command's options.",
            "bench, mtbench, redisbench and redis are run by the ./jalloc launcher (jalloc-bench's jar,",
            "jalloc-examples' module): 'jalloc bench --help' lists JMH's options, the others their own.",
            "Completion in bash or zsh: source <(./jalloc completion)"})
public final class Main implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** {@return the exit status of {@code jalloc ARGS}}: output on {@code out}, messages on {@code err} */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    /** {@return the whole command tree, in the order of its help} */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine jalloc = new CommandLine(new Main());
        jalloc.addSubcommand(new Demo(out));
        jalloc.addSubcommand(ReplayCommand.commandLine(out, err));
        jalloc.addSubcommand(VizCommand.commandLine(out, err));
        jalloc.addSubcommand(PlotCommand.commandLine(out, err));
        jalloc.addSubcommand(new SizeClasses(out));
        jalloc.addSubcommand(LauncherCommands.bench());
        jalloc.addSubcommand(LauncherCommands.mtbench());
        jalloc.addSubcommand(LauncherCommands.redisbench());
        jalloc.addSubcommand(LauncherCommands.redis());
        jalloc.addSubcommand(new CompletionCommand());
        jalloc.addSubcommand(new HelpCommand());
        jalloc.getSubcommands().get("help").getCommandSpec().usageMessage().header(
                "print a command's help: jalloc help replay (the same as jalloc replay --help)");
        return Cli.configure(jalloc, out, err);
    }

    /** {@code jalloc} alone prints its help. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "sizeclasses", description = {"print the heap's size-class table", "",
        "The heap's size classes: size, kind, span, slots per span, tail and worst-case waste."})
    private static final class SizeClasses implements Callable<Integer> {
        private final PrintStream out;

        @Mixin
        private HelpOption help;

        SizeClasses(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            out.print(Heap.sizeClasses());
            return 0;
        }
    }
}
