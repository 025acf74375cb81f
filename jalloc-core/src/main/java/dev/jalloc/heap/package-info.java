/**
 * Allocators with a free: memory handed out and given back one piece at a time, in any order. {@link
 * dev.jalloc.heap.Heap} (size classes, for any program) and {@link dev.jalloc.heap.BestFitAllocator} (one best-fit
 * region), both {@link dev.jalloc.heap.AddressAllocator}s.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>payload</dt>
 *   <dd>The bytes handed out, 16-byte aligned (or more, as asked). Its address is what {@code allocateAddress}
 *       returns and what {@code free} takes; a segment over it is what {@code allocate} returns.</dd>
 *   <dt>usable size</dt>
 *   <dd>The payload's real size, at least the size asked for: its size class, its whole pages, or its mapping (less
 *       a hardened heap's canary).</dd>
 *   <dt>block</dt>
 *   <dd>The best-fit allocator's unit: a run of 16-byte granules, free or allocated, that tile its region.</dd>
 *   <dt>metadata out of band</dt>
 *   <dd>Where each payload or block starts, whether it is allocated, its size class, the free tree: bitmaps and
 *       arrays in the Java heap, never in the memory handed out. A write past a payload, or through a segment of a
 *       freed one, can damage other payloads but never an allocator, and a forged header has nothing to forge.</dd>
 *   <dt>best fit</dt>
 *   <dd>An allocation takes the smallest free block that holds it (the lowest address among equals), found in a
 *       red-black tree kept in Java arrays.</dd>
 *   <dt>size class, slab, pool, large, huge</dt>
 *   <dd>The heap rounds a request up to a class (four per doubling); small ones come from one-page slabs, medium
 *       ones (to 32 KiB) from pools of a few pages, large ones are whole pages, huge ones (from 16 MiB) a mapping of
 *       their own.</dd>
 *   <dt>hardening</dt>
 *   <dd>What a heap does against memory errors of native code and raw addresses ({@link
 *       dev.jalloc.heap.Hardening}): zero on free, canaries, the write-after-free check, quarantines, random order,
 *       guard pages, checked lifetimes.</dd>
 *   <dt>footprint</dt>
 *   <dd>The bytes the allocator holds committed from the OS or from its arena.</dd>
 * </dl>
 */
package dev.jalloc.heap;
