/**
 * {@code jalloc replay}: CS:APP malloc-lab traces replayed on jalloc's allocators and their native peers,
 * measuring speed and memory use and proving that no payload lost a byte.
 *
 * <pre>
 *   ReplayCommand ──> TraceParser ──> Trace            (all traces parsed, strictly, before any replay)
 *        │
 *        └──> ReplayEngine ── per trace ────────────────> NoisePass x 1     (in a child JVM, no allocator)
 *                          └─ per (trace, allocator) ──> CheckedPass x 1   (in a child JVM: ChildCheckedPass)
 *                                                        TimedPass x repetitions  (one instance, one thread;
 *                                                          hardened_malloc's in a child JVM: ChildTimedPass)
 *                                                           │       both passes sample after the SamplePoints:
 *                                                           v       footprint + ResidentMemory (/proc/self/statm)
 *                        Allocators (registry: name -> Opener) ──> ReplayAllocator
 *                                  JallocReplay (jalloc, jalloc-shared, bestfit) | GlibcMalloc | Jemalloc | Mimalloc
 *                                  the hardened anchors of ../shared/natives (SharedNatives): Mimalloc.Secure
 *                                  (mimalloc-secure) | HardenedMalloc (hardened, hardened-light: LD_PRELOAD)
 * </pre>
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>trace, op, id</dt>
 *   <dd>A trace is a header and a list of ops: {@code a ID BYTES} (alloc), {@code f ID} (free),
 *       {@code r ID BYTES} (realloc). An id names one block from its alloc to its free, and may be allocated
 *       again after. Format and checks: {@link dev.jalloc.cli.replay.TraceParser}.</dd>
 *   <dt>block, payload</dt>
 *   <dd>The memory an allocator returns for an id / the BYTES bytes of it the trace asked for. Every payload
 *       byte is written, in both passes.</dd>
 *   <dt>size 0</dt>
 *   <dd>A request for 0 bytes (alloc or realloc) is legal in a trace and is replayed as a request for
 *       1 byte, so that every allocator returns a real, distinct, freeable block (C leaves {@code malloc(0)}
 *       to the implementation, and glibc's {@code realloc(p, 0)} frees {@code p}); the block's payload is
 *       empty and it counts 0 live bytes. None of the malloc-lab traces asks for 0 bytes.</dd>
 *   <dt>live bytes</dt>
 *   <dd>The sum of the payload sizes of the blocks live after an op. {@code peak_live_bytes} is its maximum
 *       over the trace: what a perfect allocator would need.</dd>
 *   <dt>footprint</dt>
 *   <dd>The memory the allocator holds from the OS as it counts it itself, above what it held when the
 *       instance was opened ({@link dev.jalloc.cli.replay.ReplayAllocator#committedBytes()}), sampled after
 *       every op of the checked pass; {@code peak_footprint_bytes} is the largest sample (or the allocator's
 *       own high-water mark, where it keeps one and it is larger), and never below 0. Per peer:
 *       <ul>
 *         <li>glibc: {@code mallinfo2()} {@code arena + hblkhd}, over all of glibc's arenas: the arenas' heaps
 *             as grown from the OS (free chunks and top included) plus the blocks {@code mmap}ped on their own;
 *             baseline after {@code malloc_trim(0)}. The JVM's own threads malloc from the same glibc during
 *             the replay and are counted too (see below).</li>
 *         <li>jemalloc: {@code mallctl("stats.resident")} after an {@code epoch} refresh: metadata, pages of
 *             active allocations and unused dirty pages (not retained purged memory); baseline after
 *             flushing this thread's tcache and purging every arena.</li>
 *         <li>mimalloc: {@code mi_process_info}'s {@code current_commit} / {@code peak_commit}, mimalloc's own
 *             count of the bytes it committed (its {@code committed} statistic, not the process's); reset at
 *             open ({@code mi_collect(true)}, {@code mi_stats_reset()}). mimalloc 2.0 commits a thread's
 *             32 MiB segments eagerly, so it reports tens of MiB for a small trace, mostly untouched.</li>
 *         <li>mimalloc-secure: the same as mimalloc, of its own library.</li>
 *         <li>hardened, hardened-light: none (hardened_malloc, built without statistics, counts nothing): the
 *             column prints {@code -}, not 0 ({@link dev.jalloc.cli.replay.ReplayAllocator#countsFootprint()}).</li>
 *         <li>jalloc, jalloc-shared, bestfit: a fresh instance per pass; its committed bytes, no baseline needed.</li>
 *       </ul></dd>
 *   <dt>utilization</dt>
 *   <dd>{@code peak_live_bytes / peak_footprint_bytes} (as in malloc-lab, whose heap is all footprint);
 *       {@code -} when the footprint did not grow (the trace fit in memory the allocator already held).</dd>
 *   <dt>resident memory, peak RSS</dt>
 *   <dd>The process's anonymous resident pages ({@code /proc/self/statm}: resident minus shared), measured the
 *       same way for every allocator, unlike the footprint, which each counts its own way.
 *       {@code peak_rss_bytes} is its largest growth during the checked pass above a baseline taken just before
 *       the first op, sampled when the footprint is ({@link dev.jalloc.cli.replay.SamplePoints}), in a child JVM
 *       made for that one pass (its Java heap resident whole before the baseline, its code warmed up: see
 *       {@link dev.jalloc.cli.replay.ChildCheckedPass}); {@code rss_utilization} is
 *       {@code peak_live_bytes / peak_rss_bytes}. See {@link dev.jalloc.cli.replay.ResidentMemory}.</dd>
 *   <dt>anchor, preloaded</dt>
 *   <dd>The hardened anchors are allocators prebuilt in {@code ../shared/natives} next to the repository (not in a
 *       clone: then skipped, naming the missing file), for issue 12's measurements
 *       ({@link dev.jalloc.cli.replay.Allocators.Anchor}, {@code SharedNatives}). A
 *       preloaded one (hardened_malloc) must be the whole process's malloc: it runs only in child JVMs started
 *       with {@code LD_PRELOAD}, both passes, and is replayed on only when named.</dd>
 *   <dt>noise pass, noise floor</dt>
 *   <dd>The same child JVM, warm-up, baseline and walk through the trace as a checked pass, calling no allocator
 *       ({@link dev.jalloc.cli.replay.NoisePass}); its {@code peak_rss_bytes}, in the trace's row whose allocator is
 *       {@code (none)}, is the harness's own noise under every allocator's.</dd>
 *   <dt>checked pass</dt>
 *   <dd>One replay that writes a pattern into every payload and checks it before every free and realloc
 *       (a realloc must keep the first min(old, new) bytes), checks alignment and overlap of every new block,
 *       and samples the footprint and the resident memory. The first broken promise ends the replay with a
 *       {@link dev.jalloc.cli.replay.ReplayException} naming the trace line; the command exits 1.
 *       See {@link dev.jalloc.cli.replay.CheckedPass}.</dd>
 *   <dt>timed pass, seconds, ops</dt>
 *   <dd>A replay that does the ops and fills every payload byte (one {@code MemorySegment.fill} per alloc,
 *       and per growing realloc for the new bytes), with {@link System#nanoTime()} read just before the first
 *       op and just after the last. {@code seconds} is the fastest of {@code --repeat} timed passes (5 by
 *       default), run back to back on one allocator instance, on the allocator's own thread (the same for the
 *       whole run), after a warm-up that runs the same loop on every selected allocator: the steady state of a
 *       long-running program, where the allocator reuses the pages it kept, not the first touch of fresh ones.
 *       {@code ops} is the trace's op count (allocs + frees + reallocs); {@code kops_per_s = ops / seconds /
 *       1000}. Blocks a trace leaves live are freed after the clock stops.</dd>
 * </dl>
 *
 * <h2>The JVM in the same process</h2>
 * jemalloc, mimalloc and mimalloc-secure are loaded privately ({@code RTLD_LOCAL}): only the replay's blocks come
 * from them. hardened_malloc is the whole malloc of the child JVMs that run it, the JVM's included. glibc is also
 * the JVM's malloc: its counters include whatever the JVM's threads (JIT compilers, GC) malloc or
 * free during a checked pass, so small glibc footprints carry that noise, and so does its resident memory. Native calls cost a downcall each
 * ({@code Linker.Option.critical(false)}: no thread-state switch), the same for every native peer.
 */
package dev.jalloc.cli.replay;
