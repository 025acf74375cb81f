package dev.jalloc.cli.viz;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.cli.replay.Trace;
import dev.jalloc.cli.replay.TraceFormatException;
import dev.jalloc.cli.replay.TraceParser;
import dev.jalloc.cli.ui.Cli;
import dev.jalloc.cli.ui.HelpOption;
import dev.jalloc.cli.ui.ProgressLine;
import dev.jalloc.cli.ui.Terminal;
import dev.jalloc.heap.Heap;
import dev.jalloc.heap.HeapPicture;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code jalloc viz (--demo | --trace FILE [--at OP]) [--shared] [--out PAGE.html] [--text]}: draws a heap's picture
 * ({@link HeapPicture}) after the built-in workload ({@link VizDemo}) or after the first ops of a trace
 * ({@link TracePrefix}), as a self-contained HTML page ({@link HeapPicture#toHtml(String)}) and or as text on
 * stdout ({@link HeapPicture#toText()}). Exit status: 0 when drawn; 1 when the trace cannot be read, the heap
 * refuses a block or the page cannot be written; 2 for a usage error.
 */
@Command(name = "viz", usageHelpWidth = 120, sortOptions = false, sortSynopsis = false,
        description = {"draw a heap page by page: an HTML page (no network, data embedded) or text",
            "",
            "Draws a heap's committed pages: slabs and pools (size class, fill, owner thread cache), large, cached,",
            "free and purged pages, the huge mappings beside them, and the heap's statistics; hovering a run on the",
            "page shows its numbers. After a built-in mixed workload on a shared heap (--demo), or after the first",
            "ops of a malloc-lab trace replayed on a jalloc heap (--trace; by default up to the peak of live bytes).",
            ""},
        footer = {"", "examples:",
            "  jalloc viz --demo --out heap.html",
            "  jalloc viz --trace amptjp-bal.rep --out heap.html          (at the peak of live bytes)",
            "  jalloc viz --trace amptjp-bal.rep --at 1000 --text         (after the first 1000 ops, as text)",
            "colours: blue slab, green pool (pale, their live share filled from the left), orange large, light orange",
            "cached large, grey free, lavender purged."})
public final class VizCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--demo", description = "draw a heap after the built-in workload (a shared heap, two threads)")
    private boolean demo;

    @Option(names = "--trace", paramLabel = "FILE", description = "replay the malloc-lab trace FILE on a jalloc heap")
    private Path trace;

    @Option(names = "--at", paramLabel = "OP", converter = OpCount.class, description = "draw after the first OP "
            + "ops of the trace, from 0 (default: where its live bytes peak)")
    private Integer at;

    @Option(names = "--shared", description = "replay the trace on a shared heap (default: a confined one)")
    private boolean shared;

    @Option(names = "--out", paramLabel = "PAGE.html", description = "write the picture as an HTML page")
    private Path out;

    @Option(names = "--text", description = "print the picture as text on stdout")
    private boolean text;

    @Option(names = "--progress", negatable = true, description = "show (or not) a progress line on stderr while "
            + "a trace replays (default: when stderr is a terminal)")
    private Boolean progress;

    @Mixin
    private HelpOption help;

    private final PrintStream stdout;
    private final PrintStream err;

    private VizCommand(PrintStream stdout, PrintStream err) {
        this.stdout = stdout;
        this.err = err;
    }

    /** {@return the command for {@code jalloc}'s tree}: the text and messages on {@code stdout}, errors on {@code err} */
    public static CommandLine commandLine(PrintStream stdout, PrintStream err) {
        return new CommandLine(new VizCommand(stdout, err));
    }

    /**
     * Runs the command alone (as {@code jalloc viz ARGS} does).
     *
     * @return the exit status
     */
    public static int run(String[] args, PrintStream stdout, PrintStream err) {
        return Cli.runAlone(commandLine(stdout, err), args, stdout, err);
    }

    /** {@return the exit status}, once the options are parsed */
    @Override
    public Integer call() {
        if (demo == (trace != null)) {
            throw usage(demo ? "--demo and --trace cannot go together" : "give --demo or --trace FILE");
        }
        if (at != null && trace == null) {
            throw usage("--at goes with --trace");
        }
        if (out == null && !text) {
            throw usage("give --out PAGE.html, --text, or both");
        }
        Trace parsed = null;
        if (trace != null) {
            try {
                parsed = TraceParser.parse(trace);
            } catch (TraceFormatException e) {
                err.println("jalloc viz: " + e.getMessage());
                return 1;
            } catch (NoSuchFileException e) {
                err.println("jalloc viz: " + trace + ": no such file");
                return 1;
            } catch (IOException e) {
                err.println("jalloc viz: " + trace + ": cannot read: " + e);
                return 1;
            }
            if (at != null && at > parsed.opCount()) {
                throw usage("--at: '" + at + "' (expected: an integer in [0, " + parsed.opCount() + "], the trace's "
                        + "ops)");
            }
        }
        HeapPicture picture;
        String title;
        try (Heap heap = demo || shared ? Heap.ofShared() : Heap.ofConfined()) {
            if (demo) {
                VizDemo.run(heap);
                title = "jalloc viz --demo: a shared heap after a mixed workload of two threads";
            } else {
                long[] peak = TracePrefix.peak(parsed);
                int ops = at != null ? at : (int) peak[0];
                boolean showProgress = progress != null ? progress : Terminal.isTerminal(err);
                TracePrefix.replay(parsed, ops, heap, showProgress ? ProgressLine.on(err) : ProgressLine.OFF);
                title = "jalloc viz: " + parsed.name() + " at op " + ops + " of " + parsed.opCount()
                        + (at == null ? " (the peak of live bytes, " + peak[1] + ")" : "")
                        + (shared ? ", shared heap" : "");
            }
            picture = heap.picture();
        } catch (OutOfNativeMemoryError e) {
            err.println("jalloc viz: FAILED: the heap refused a block: " + e.getMessage());
            return 1;
        }
        if (text) {
            stdout.println(title);
            stdout.print(picture.toText());
        }
        if (out != null) {
            try {
                picture.writeHtml(out, title);
            } catch (IOException e) {
                err.println("jalloc viz: " + out + ": cannot write: " + e);
                return 1;
            }
            (text ? err : stdout).println("jalloc viz: wrote " + out.toAbsolutePath() + " (" + picture.runs().size()
                    + " runs, " + picture.spans() + " spans, " + size(out) + ")");
        }
        return 0;
    }

    private ParameterException usage(String problem) {
        return new ParameterException(spec.commandLine(), problem);
    }

    private static String size(Path file) {
        try {
            return (Files.size(file) + 1023) / 1024 + " KiB";
        } catch (IOException e) {
            return "size unknown";
        }
    }

    /** {@code --at OP}: an integer from 0 (the trace's op count bounds it once the trace is read). */
    static final class OpCount implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (!value.matches("[0-9]{1,10}") || Long.parseLong(value) > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' (expected: an integer from 0, an op count)");
            }
            return Integer.parseInt(value);
        }
    }
}
