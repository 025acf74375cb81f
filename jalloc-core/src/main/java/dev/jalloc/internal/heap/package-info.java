/**
 * The machinery of the allocators with a free, in units and addresses: the best-fit allocator, its free tree, the
 * size classes and the heap engine. {@code dev.jalloc.heap} makes the public faces. All metadata lives in the Java
 * heap, outside the memory handed out: nothing a program writes into its payloads, or through a segment whose
 * payload was freed, can reach it.
 *
 * <pre>
 *   BestFitEngine (best-fit allocator)         HeapEngine (the heap)
 *        |                                     Bins --> Spans --> PageStore --+--> BestFitRegion (4 KiB pages)
 *        +--> BestFitRegion (16-byte granules)  (caches) (slabs,    (page spans,  +--> huge Mappings
 *                 |                                      pools)      decay)
 *                 +--> BestFit (blocks: start bitmaps + FreeTree) and PageStates (holes, dirty pages)
 * </pre>
 *
 * <h2>Words</h2>
 * <dl>
 *   <dt>unit, block</dt>
 *   <dd>{@link dev.jalloc.internal.heap.BestFit} manages a range of units (16-byte granules for the best-fit
 *       allocator, 4 KiB heap pages for the heap's page spans) as blocks that tile it, free or allocated, with their
 *       starts and allocation in bitmaps and their sizes derived from the next start.</dd>
 *   <dt>size class</dt>
 *   <dd>A request rounded up: 16-byte steps to 128, then four classes per doubling to 32 KiB
 *       ({@link dev.jalloc.internal.heap.SizeClasses}).</dd>
 *   <dt>small / medium / large / huge</dt>
 *   <dd>Up to 1 KiB in one-page <em>slabs</em>; up to 32 KiB in <em>pools</em> (runs of pages of one class);
 *       below 16 MiB in whole pages (a <em>span</em>) from the page spans; from 16 MiB, a mapping of its own.</dd>
 *   <dt>slot</dt>
 *   <dd>One element of a slab or pool. A slot is <em>allocated</em> (its start bit is set in the allocation
 *       bitmap), <em>cached</em> (in its class's bin cache), or <em>available</em> (its bit set in the availability
 *       bitmap, found by a refill).</dd>
 *   <dt>prefix, purge, decay</dt>
 *   <dd>The committed part of the heap's region, which grows as spans reach it; giving free pages back to the OS
 *       while they stay mapped; the rule that purges free pages once enough of them are still charged.</dd>
 *   <dt>guard, fresh pages</dt>
 *   <dd>A hardened heap's guard page after a slab or pool ({@link dev.jalloc.internal.heap.SlabGuards}): one OS page,
 *       an allocated block of its own that is never handed out, decommitted so that any access faults. Only
 *       <em>fresh</em> pages, never handed out before, become guards: no segment, however stale, covers one.</dd>
 *   <dt>random placement</dt>
 *   <dd>A hardened heap's page spans go to one of the few best-fitting free blocks at random
 *       ({@link dev.jalloc.internal.heap.BestFit#allocateAmong}), not always to the best fit.</dd>
 *   <dt>footprint</dt>
 *   <dd>Committed pages not purged (guards are neither), and huge mappings: what the heap costs the OS. Its
 *       metadata is in the Java heap: about 80 bytes per 4 KiB page of the prefix, and 2 bits per unit of a best-fit
 *       range.</dd>
 * </dl>
 */
package dev.jalloc.internal.heap;
