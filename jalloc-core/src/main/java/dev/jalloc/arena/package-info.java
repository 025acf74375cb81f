/**
 * Linear arenas: memory handed out by bumping a position and taken back by moving it back, with temp scopes
 * and per-thread scratch arenas.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>arena</dt>
 *   <dd>A {@link dev.jalloc.arena.LinearArena}: a real {@link java.lang.foreign.Arena} whose memory comes from
 *       one or more blocks and whose segments all end when it is closed.</dd>
 *   <dt>block</dt>
 *   <dd>A contiguous range the arena bumps through: the caller's memory, a committed block, or a reservation
 *       committed step by step (a virtual block). Blocks are linked as they fill when chaining is on.</dd>
 *   <dt>pos (position)</dt>
 *   <dd>Bytes from the start of the arena to the next free byte, monotonic across blocks: a block's first byte
 *       has the position just past the previous block's reservation. {@code pos} only moves forward by
 *       pushing and back by popping.</dd>
 *   <dt>push / pop</dt>
 *   <dd>Hand out bytes at the position and move it forward / move the position back, taking back everything
 *       at or above it. {@code push} zeroes what it hands out, {@code pushNoZero} does not.</dd>
 *   <dt>reserve / commit / purge / release</dt>
 *   <dd>Take address space with no memory behind it / make part of it usable (charged by the OS) / give the
 *       physical pages of popped memory back while keeping them mapped / give the address space back
 *       (only on close).</dd>
 *   <dt>OS page vs arena page</dt>
 *   <dd>The OS page is the system's mapping unit (4 KiB on x86-64 Linux); the arena page is the OS page or,
 *       when asked for and granted, the large page (2 MiB). Reservations and commits are whole arena pages.</dd>
 *   <dt>temp</dt>
 *   <dd>A {@link dev.jalloc.arena.Temp}: a saved position restored on close. Temps nest, innermost first.</dd>
 *   <dt>scratch arena</dt>
 *   <dd>One of a thread's {@value dev.jalloc.arena.Scratch#ARENAS_PER_THREAD} arenas for temporary memory, see
 *       {@link dev.jalloc.arena.Scratch}.</dd>
 *   <dt>checked mode</dt>
 *   <dd>An arena option: temps get their own lifetimes, so a segment from an ended temp throws on access, and
 *       popped bytes are poisoned.</dd>
 * </dl>
 */
package dev.jalloc.arena;
