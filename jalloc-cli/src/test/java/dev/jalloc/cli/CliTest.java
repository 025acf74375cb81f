package dev.jalloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.cli.MainTest.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code jalloc} command line as a user meets it: {@code --help} for every command, usage errors that say
 * what was wrong and where to read more (status 2), and the completion script.
 */
class CliTest {
    static final List<String> COMMANDS = List.of("demo", "replay", "viz", "plot", "sizeclasses", "bench", "mtbench",
            "redisbench", "redis", "completion", "help");

    static Run run(String... args) {
        return MainTest.run(args);
    }

    @Test
    void helpListsEveryCommandAndSaysWhichTheLauncherRuns() {
        Run help = run("--help");
        assertEquals(0, help.status(), help.err());
        assertEquals("", help.err());
        String out = help.out();
        assertTrue(out.startsWith("Usage: jalloc [-h] COMMAND\n"), out);
        for (String command : COMMANDS) {
            assertTrue(out.contains("\n  " + command + " "), "help lacks '" + command + "':\n" + out);
        }
        for (String expected : new String[] {"bench        run the JMH benchmarks", "(run by the ./jalloc",
                "bench, mtbench, redisbench and redis are run by the ./jalloc launcher",
                "'jalloc bench --help' lists JMH's options",
                "'jalloc COMMAND --help'", "source <(./jalloc completion)"}) {
            assertTrue(out.contains(expected), "help lacks '" + expected + "':\n" + out);
        }
        assertEquals(out, run("-h").out());
        assertEquals(out, run("help").out());
        assertEquals(out, run().out(), "jalloc alone prints its help");
    }

    @Test
    void everyCommandHasItsHelp() {
        for (String command : COMMANDS) {
            for (List<String> args : List.of(List.of(command, "--help"), List.of(command, "-h"),
                    List.of("help", command))) {
                Run help = run(args.toArray(String[]::new));
                assertEquals(0, help.status(), args + ": " + help.err());
                assertTrue(help.out().contains("Usage: jalloc " + command + " [-h]"), args + ":\n" + help.out());
                assertEquals("", help.err(), args.toString());
            }
        }
    }

    @Test
    void replayHelpExplainsOptionsAllocatorsAndColumns() {
        Run help = run("replay", "--help");
        assertEquals(0, help.status(), help.err());
        String out = help.out();
        assertTrue(out.startsWith(
                "Usage: jalloc replay [-h] [--allocator=NAME]... [--csv] [--repeat=N] [--[no-]progress] [--plot=FIGURE.svg] "
                + "TRACE...\n"),
                out);
        for (String expected : new String[] {"Replays CS:APP malloc-lab traces", "TRACE...", "--allocator=NAME",
                "--csv", "--repeat=N", "(default: 5)", "--[no-]progress", "when stderr is a terminal", "-h, --help",
                "allocators:", "  jalloc          the jalloc heap", "  mimalloc        ", "  hardened-light  ",
                "columns:", "peak_footprint_bytes",
                "utilization"}) {
            assertTrue(out.contains(expected), "replay --help lacks '" + expected + "':\n" + out);
        }
        assertEquals(out, run("help", "replay").out());
    }

    @Test
    void aBadOptionSaysWhatWasWrongAndWhereToReadMore() {
        assertUsageError("jalloc replay: unknown option '--frobnicate'\ntry 'jalloc replay --help'\n",
                "replay", "--frobnicate", "x.rep");
        assertUsageError("jalloc replay: --repeat needs a value\ntry 'jalloc replay --help'\n", "replay", "x.rep",
                "--repeat");
        assertUsageError("jalloc replay: --repeat: '0' (expected: an integer in [1, 1000])\n"
                + "try 'jalloc replay --help'\n", "replay", "--repeat", "0", "x.rep");
        assertUsageError("jalloc replay: --repeat: 'x.rep' (expected: an integer in [1, 1000])\n"
                + "try 'jalloc replay --help'\n", "replay", "--repeat", "x.rep");
        assertUsageError("jalloc replay: missing TRACE\ntry 'jalloc replay --help'\n", "replay", "--csv");
        assertUsageError("jalloc demo: unexpected argument 'fast'\ntry 'jalloc demo --help'\n", "demo", "fast");
        assertUsageError("jalloc: unknown option '--verbose'\ntry 'jalloc --help'\n", "--verbose");
    }

    @Test
    void anUnknownCommandIsNamedWithTheNearestKnownOne() {
        assertUsageError("jalloc: unknown command 'frobnicate'\ntry 'jalloc --help'\n", "frobnicate");
        assertUsageError("jalloc: unknown command 'repaly' (did you mean 'replay'?)\ntry 'jalloc --help'\n",
                "repaly", "x.rep");
        assertUsageError("jalloc: unknown subcommand 'frobnicate'\ntry 'jalloc --help'\n", "help", "frobnicate");
    }

    @Test
    void theLauncherCommandsSayTheLauncherRunsThem() {
        for (String command : List.of("bench", "mtbench", "redisbench", "redis")) {
            assertUsageError("jalloc " + command + ": run by the ./jalloc launcher (on jalloc-bench's jar or "
                    + "jalloc-examples' module), not in this JVM: use './jalloc " + command + "'\ntry 'jalloc "
                    + command + " --help'\n", command, "-f", "1", "--threads", "2");
        }
    }

    @Test
    void completionPrintsABashScriptOfTheWholeTree() {
        Run completion = run("completion");
        assertEquals(0, completion.status(), completion.err());
        String script = completion.out();
        assertTrue(script.startsWith("#!/usr/bin/env bash"), script.lines().findFirst().orElse(""));
        assertTrue(script.contains("complete -F _complete_jalloc -o default jalloc"), script);
        assertTrue(script.contains("local commands=\"" + String.join(" ", COMMANDS) + "\""), script);
        for (String option : new String[] {"'--allocator'", "'--repeat'", "--csv", "--progress"}) {
            assertTrue(script.contains(option), "completion lacks " + option);
        }
        assertTrue(script.contains("(\"jalloc\" \"jalloc-shared\" \"bestfit\" \"glibc\" \"jemalloc\" \"mimalloc\" "
                + "\"mimalloc-secure\" \"hardened\" \"hardened-light\" \"jalloc-light\" \"jalloc-standard\" "
                + "\"jalloc-full\")"),
                "--allocator completes to the allocators' names");
    }

    private static void assertUsageError(String expected, String... args) {
        Run run = run(args);
        assertEquals(expected, run.err(), List.of(args).toString());
        assertEquals(2, run.status(), List.of(args).toString());
        assertEquals("", run.out(), List.of(args).toString());
    }
}
