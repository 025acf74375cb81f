/**
 * JMH benchmarks of jalloc against its peers. Run them with {@code ./jalloc bench [JMH args]}, which builds
 * {@code jalloc-bench/target/benchmarks.jar} and runs it on JDK 25; {@code ./jalloc bench -h} lists the JMH
 * options and {@code ./jalloc bench -l} the benchmarks. The multithreaded benchmarks (larson, xmalloc-test,
 * cache-scratch, cache-thrash, mstress, rptest) are not JMH's: they live in {@code dev.jalloc.bench.mt} and run with
 * {@code ./jalloc mtbench}, one child JVM per run.
 *
 * <h2>What is measured</h2>
 * <dl>
 *   <dt>op</dt>
 *   <dd>One allocation of the size a benchmark class names (32 bytes in {@link dev.jalloc.bench.ArenaPushBench}),
 *       with its share of whatever frees or resets it. Every benchmark method does a batch of ops per
 *       invocation and declares the batch with {@code @OperationsPerInvocation}, so the reported time is per op
 *       and the reset (a {@code clear()}, a {@code pop()}, a {@code close()}, the {@code free}s) is amortized
 *       over the same batch for every contender. The vector benchmarks define their own op:
 *       {@link dev.jalloc.bench.VecAppendBench} one container's whole life (made empty, n appends, released),
 *       {@link dev.jalloc.bench.VecReadBench} a full sequential sum, or one random read.</dd>
 *   <dt>steady state</dt>
 *   <dd>Memory is touched before timing (in {@code @Setup}, and the Java heap by {@code -XX:+AlwaysPreTouch}),
 *       so no op pays a page fault (about 10 µs each on the reference machine), and every batch reuses the
 *       memory of the batch before: what an allocator costs in a loop, not on first use. The exception, on
 *       purpose: in {@link dev.jalloc.bench.VecAppendBench} the vector and the JDK segment get fresh pages on
 *       every op, as they do in use, while the heap contenders reuse a pre-touched heap.</dd>
 *   <dt>consumed</dt>
 *   <dd>Every result is used, so the JIT cannot drop the allocation: by default segments go to a
 *       {@code Blackhole} (which makes the segment object real, as returning or storing it would) and addresses
 *       into a running sum that the method returns. Variants that consume differently say so in their name and
 *       in their class comment ({@code Local}: the segment is used and dropped in place, so escape analysis may
 *       remove it; {@code PerOp}: the allocation is passed to a call the JIT may not inline). Contenders compared
 *       with each other consume the same way.</dd>
 * </dl>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Every benchmark has its peers and a speed-of-light baseline (a bare bump pointer; for the vectors, plain
 *       stores into a ready array) in the same class, and they are run together, in one JMH run: numbers from
 *       different runs are not compared.</li>
 *   <li>No number without the command, the date, the machine and the JDK that made it: results live in
 *       {@code docs/BENCHMARKS.md} next to all four.</li>
 *   <li>Forks run with {@code -XX:+AlwaysPreTouch} and a fixed heap: 1 GiB for the arenas, sized per contender
 *       for the vectors (see each class's and method's {@code @Fork}); {@code VecReadBench}, which allocates
 *       nothing while timing and writes its containers in {@code @Setup}, does not pre-touch.</li>
 * </ul>
 */
package dev.jalloc.bench;
