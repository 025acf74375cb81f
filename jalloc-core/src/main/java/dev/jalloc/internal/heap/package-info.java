/**
 * The heap's machinery, in offsets and addresses: the best-fit region allocator, its free tree, the size classes,
 * the page map and the heap engine. {@code dev.jalloc.heap} makes the public faces.
 *
 * <h2>Words</h2>
 * <dl>
 *   <dt>block</dt>
 *   <dd>A best-fit region's unit: an 8-byte header (size and flags), then a payload (allocated) or tree links and a
 *       footer (free). See {@link dev.jalloc.internal.heap.BestFit} for the picture.</dd>
 *   <dt>size class</dt>
 *   <dd>A request rounded up: 16-byte steps to 128, then four classes per doubling to 32 KiB
 *       ({@link dev.jalloc.internal.heap.SizeClasses}).</dd>
 *   <dt>small / medium / large / huge</dt>
 *   <dd>Up to 1 KiB in one-page <em>slabs</em>; up to 32 KiB in <em>pools</em> (runs of pages of one class);
 *       below 16 MiB in whole pages (a <em>span</em>) from the page map; from 16 MiB, a mapping of its own.</dd>
 *   <dt>slot</dt>
 *   <dd>One element of a slab or pool. A slot is <em>allocated</em> (its start bit is set in the allocation
 *       bitmap), <em>cached</em> (in its class's bin cache), or <em>available</em> (its bit set in the availability
 *       bitmap, found by a refill).</dd>
 *   <dt>page map</dt>
 *   <dd>A best-fit allocator over a shadow region with one 32-byte unit per 4 KiB page
 *       ({@link dev.jalloc.internal.heap.PageMap}): spans get best fit and coalescing with no header in the
 *       pages.</dd>
 *   <dt>high-water mark, purge, decay</dt>
 *   <dd>The committed prefix of the heap's region; giving free pages back to the OS while they stay mapped; the
 *       rule that purges free pages once enough of them are still charged.</dd>
 *   <dt>footprint</dt>
 *   <dd>Committed pages not purged, the page map, and huge mappings: what the heap costs.</dd>
 * </dl>
 */
package dev.jalloc.internal.heap;
