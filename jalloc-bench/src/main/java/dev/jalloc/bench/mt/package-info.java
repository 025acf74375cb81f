/**
 * Multithreaded allocator benchmarks: Java versions of the standard multithreaded malloc benchmarks (larson,
 * xmalloc-test, cache-scratch, cache-thrash, an mstress-style and an rptest-style workload), written from their
 * published descriptions, run over jalloc's shared heap and its peers. Run them with {@code ./jalloc mtbench
 * [options]} ({@link dev.jalloc.bench.mt.MtBench} lists the options); every (benchmark, contender, threads)
 * runs in a fresh child JVM so that its memory readings are its own.
 *
 * <pre>
 *   ./jalloc mtbench --bench larson,xmalloc --contender jallocShared,glibcCritical --threads 1,2 --seconds 1
 *
 *   parent (MtBench)                             child JVM (MtChild), one per run
 *   plan: bench x contender x threads  --spawn-->  open the contender, read base RSS
 *   [7/84] larson jemallocCritical t=2 ...         run the workload for --seconds (threads, blocks, frees)
 *          ... 12.3 M ops/s, peak RSS 45 MiB  <--   free everything, read VmHWM and VmRSS, print one MTRESULT line
 *   table: markdown on stdout, --csv FILE, --md FILE
 * </pre>
 *
 * <h2>Words</h2>
 * <dl>
 *   <dt>benchmark (workload)</dt>
 *   <dd>One of {@code larson}, {@code xmalloc}, {@code cache-scratch}, {@code cache-thrash}, {@code mstress},
 *       {@code rptest}: a fixed pattern of allocations, frees and hand-overs between threads, each described with
 *       its publication in its class comment. Its random choices come from {@link java.util.SplittableRandom}s
 *       seeded from {@code --seed} and the thread's (or lineage's) index, so every contender is driven through
 *       the same sequence; a faster contender only gets further along it.</dd>
 *   <dt>contender</dt>
 *   <dd>An allocator and the kind of thread that drives it ({@link dev.jalloc.bench.mt.Contender}):
 *       {@code jallocShared} and {@code jallocSharedVirtual} (one {@code Heap.ofShared()}, platform or virtual
 *       threads), {@code glibcCritical}, {@code jemallocCritical}, {@code mimallocCritical} (malloc and free
 *       through critical FFM downcalls), the hardened anchors {@code mimallocSecureCritical},
 *       {@code hardenedCritical} and {@code hardenedLightCritical} (prebuilt in {@code ../shared/natives};
 *       hardened_malloc's children run with it as their malloc, {@code LD_PRELOAD}), {@code nettyPooled},
 *       {@code nettyAdaptive} (direct buffers) and {@code arenaShared} (one {@code Arena.ofShared()} per block). A
 *       contender whose library is missing or cannot be loaded is reported as skipped with the reason.</dd>
 *   <dt>block</dt>
 *   <dd>One allocation. Every block is <em>touched</em> when allocated: its first and last byte are written,
 *       through its raw address, by every contender alike, so no allocator gets its pages for free.</dd>
 *   <dt>slot</dt>
 *   <dd>A place in a {@link dev.jalloc.bench.mt.Blocks} array that holds at most one block. Workloads move
 *       blocks between slots (and between threads) without knowing whether a block is an address, a
 *       {@code ByteBuf} or an {@code Arena}.</dd>
 *   <dt>op</dt>
 *   <dd>Defined per benchmark in its class comment and printed as the unit: an allocation or a free
 *       ({@code ops/s}), a free ({@code frees/s}), or one allocate-write-free iteration ({@code ns/op}).</dd>
 *   <dt>run</dt>
 *   <dd>One (benchmark, contender, threads) in its own child JVM, timed by wall clock from the start of its
 *       threads to the end of the last one; setup and the final frees are not timed.</dd>
 *   <dt>base RSS, peak RSS, end RSS</dt>
 *   <dd>Of the child JVM, from {@code /proc/self/status}: {@code VmRSS} just before the workload starts (the
 *       JVM, the contender, the slot arrays), {@code VmHWM} (the high-water mark of the resident set, whole
 *       process: JVM, Java heap garbage and native memory) at the end, and {@code VmRSS} at the end after every
 *       block was freed but before the allocator is closed: what the allocator keeps.</dd>
 *   <dt>committed peak</dt>
 *   <dd>For jalloc only: the largest {@code Heap.committedBytes()} seen by a sampler thread every
 *       {@value dev.jalloc.bench.mt.MtChild#SAMPLE_MILLIS} ms (so a shorter peak may be missed).</dd>
 * </dl>
 *
 * <p>Numbers are whole-run averages including JIT warm-up (no warm-up phase): for numbers worth comparing use
 * several seconds per run and a quiet machine. On the project's 2-core VM, 4 threads (8 for xmalloc: producers and
 * consumers) share two cores, and 4 virtual threads run at most 2 at a time.
 */
package dev.jalloc.bench.mt;
