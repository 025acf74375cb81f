/**
 * The hardened heap: protections around the heap engine against memory errors made through raw addresses and native
 * code, chosen by {@link dev.jalloc.heap.Hardening} and mapped to numbers in one place ({@code Policy}).
 *
 * <h2>Words</h2>
 * <dl>
 *   <dt>slot, usable bytes</dt>
 *   <dd>A payload of a size class (up to 32 KiB). Where canaries are on, a request of {@code n} bytes takes a slot
 *       of at least {@code n + 8}, and its usable bytes are the slot's less the 8 of the canary.</dd>
 *   <dt>canary</dt>
 *   <dd>The last 8 bytes of a slot: the heap's secret mixed with the slot's address, its first byte (in memory)
 *       zero so that a C string overflowing into it stops there. Written when the slot is handed out, checked at
 *       its free and reallocation.</dd>
 *   <dt>zero on free, write-after-free check</dt>
 *   <dd>A freed slot is zeroed (a large payload zeroed, or purged: the OS gives zero pages back), so every free
 *       byte of a hardened heap reads zero; a slot handed out again is checked to be zero still.</dd>
 *   <dt>quarantine</dt>
 *   <dd>Freed payloads held back from reuse: a randomly replaced array, then a FIFO queue, bounded in bytes. The
 *       engine below sees them as allocated.</dd>
 *   <dt>poisoned</dt>
 *   <dd>After a {@link dev.jalloc.MemoryCorruptionError}, the engine refuses every call but closing.</dd>
 *   <dt>guard slabs, random placement</dt>
 *   <dd>Built into the engine below, whose page store {@code Policy} configures: a guard page after every few slabs
 *       and pools, and spans placed at random among the best-fitting free ones.</dd>
 *   <dt>checked lifetimes</dt>
 *   <dd>Each payload's segments share an arena of the payload's own, closed at its free.</dd>
 * </dl>
 */
package dev.jalloc.internal.hardened;
