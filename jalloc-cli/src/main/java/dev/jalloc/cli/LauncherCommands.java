package dev.jalloc.cli;

import dev.jalloc.cli.ui.HelpOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bench}, {@code mtbench}, {@code redisbench} and {@code redis}: the {@code ./jalloc} launcher runs them
 * itself, on jalloc-bench's jar (JMH's main, {@code dev.jalloc.bench.mt.MtBench},
 * {@code dev.jalloc.bench.redis.RedisBench}) or jalloc-examples' module ({@code dev.jalloc.examples.redis.RedisMain}),
 * with every argument after the command name, {@code --help} included. They are in {@code jalloc}'s tree for {@code jalloc --help}, {@code jalloc help bench} and the
 * completion; run here (without the launcher), they say where they run.
 */
final class LauncherCommands {
    private LauncherCommands() {
    }

    /** {@return {@code jalloc bench}, taking any argument} */
    static CommandLine bench() {
        return new CommandLine(new Bench()).setUnmatchedOptionsArePositionalParams(true);
    }

    /** {@return {@code jalloc mtbench}, taking any argument} */
    static CommandLine mtbench() {
        return new CommandLine(new MtBench()).setUnmatchedOptionsArePositionalParams(true);
    }

    /** {@return {@code jalloc redis}, taking any argument} */
    static CommandLine redis() {
        return new CommandLine(new Redis()).setUnmatchedOptionsArePositionalParams(true);
    }

    /** {@return {@code jalloc redisbench}, taking any argument} */
    static CommandLine redisbench() {
        return new CommandLine(new RedisBench()).setUnmatchedOptionsArePositionalParams(true);
    }

    /** Refuses to run here: {@code jalloc NAME} is the launcher's. */
    private abstract static class RunByTheLauncher implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "ARGS", arity = "0..*", description = "handed to the command as they are")
        private List<String> args;

        @Mixin
        private HelpOption help;

        @Override
        public Integer call() {
            throw new ParameterException(spec.commandLine(), "run by the ./jalloc launcher (on jalloc-bench's jar or "
                    + "jalloc-examples' module), not in this JVM: use './jalloc " + spec.name() + "'");
        }
    }

    @Command(name = "bench", description = {
        "run the JMH benchmarks against their peers (run by the ./jalloc launcher)", "",
        "Runs the JMH benchmarks of jalloc-bench (benchmarks.jar), every argument going to JMH: "
                + "'jalloc bench --help' (or -h) lists JMH's options, 'jalloc bench -l' the benchmarks. The ./jalloc "
                + "launcher runs it, and builds jalloc-bench on first use. See docs/BENCHMARKS.md.", "",
        "'jalloc bench --preload hardened|hardened-light|FILE.so ...' runs JMH and its forks with LD_PRELOAD set "
                + "to that library (hardened_malloc, from ../shared/natives), for the contenders hardened and "
                + "hardenedLight."})
    private static final class Bench extends RunByTheLauncher {
    }

    @Command(name = "mtbench", description = {
        "run the multithreaded benchmarks (larson, xmalloc-test, cache-scratch, cache-thrash, mstress, rptest) "
                + "on the shared heap and its peers, one child JVM per run (run by the ./jalloc launcher)", "",
        "Runs dev.jalloc.bench.mt.MtBench of jalloc-bench, every argument going to it: 'jalloc mtbench --help' "
                + "lists its options. The ./jalloc launcher runs it, and builds jalloc-bench on first use. See "
                + "docs/BENCHMARKS.md."})
    private static final class MtBench extends RunByTheLauncher {
    }

    @Command(name = "redis", description = {
        "run a Redis-protocol (RESP2) server whose keys, values and lists live in a shared jalloc heap "
                + "(run by the ./jalloc launcher)", "",
        "Runs dev.jalloc.examples.redis.RedisMain of jalloc-examples, every argument going to it: "
                + "'jalloc redis --help' lists its options (--port, --storage, --hardening, --debug, --picture). "
                + "redis-cli and redis-benchmark run against it unmodified; 'redis-cli -p PORT shutdown' stops it and "
                + "prints the heap's leak report. See docs/EXAMPLES.md."})
    private static final class Redis extends RunByTheLauncher {
    }

    @Command(name = "redisbench", description = {
        "benchmark the Redis example on the jalloc heap against byte[], Netty's pooled buffers and redis-server "
                + "(run by the ./jalloc launcher)", "",
        "Runs dev.jalloc.bench.redis.RedisBench of jalloc-bench: for each server, redis-benchmark's set/get/lpush/"
                + "lpop test, mimalloc-bench's redis workload and a churn test with the server's RSS after each phase. "
                + "'jalloc redisbench --help' lists its options. Needs redis-tools and redis-server (Debian). See "
                + "docs/EXAMPLES.md."})
    private static final class RedisBench extends RunByTheLauncher {
    }
}
