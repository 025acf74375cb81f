/**
 * Allocators with a free: memory handed out and given back one piece at a time, in any order.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>block</dt>
 *   <dd>What the allocator carves its region into: a header, then the payload (allocated) or the free-tree links
 *       and a footer (free). Sizes are multiples of 16 bytes, at least 32.</dd>
 *   <dt>payload</dt>
 *   <dd>The bytes handed out: the block after its 8-byte header, 16-byte aligned. Its address is what
 *       {@code allocateAddressNoInit} returns and what {@code free} takes.</dd>
 *   <dt>usable size</dt>
 *   <dd>The payload's real size, at least the size asked for: the block size less its header.</dd>
 *   <dt>boundary tags</dt>
 *   <dd>The header (size and flags) at the start of every block and the footer (size) at the end of a free one,
 *       so that a free merges with both neighbours in O(1).</dd>
 *   <dt>best fit</dt>
 *   <dd>An allocation takes the smallest free block that holds it (the lowest address among equals), found in a
 *       red-black tree whose nodes live inside the free blocks.</dd>
 *   <dt>footprint</dt>
 *   <dd>The bytes the allocator holds committed from the OS or from its arena.</dd>
 * </dl>
 */
package dev.jalloc.heap;
