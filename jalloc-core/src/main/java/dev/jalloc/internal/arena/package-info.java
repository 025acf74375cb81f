/**
 * The blocks of linear arenas: the chain an arena bumps through, its spares, and the source that makes, commits,
 * purges and releases them through the memory layer ({@code dev.jalloc.internal.memory}). Everything here deals in
 * addresses, positions and byte counts; segments are made by {@code dev.jalloc.arena}.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>block</dt>
 *   <dd>One contiguous range an arena bumps through: a reservation from the OS layer, or the caller's own
 *       memory. Blocks are chained newest first; a block's <em>base position</em> is the arena position of its
 *       first byte, so positions grow monotonically across the chain.</dd>
 *   <dt>arena page</dt>
 *   <dd>The granularity of an arena's reservations and commits: the OS page, or the large page when the arena
 *       asked for large pages and got them.</dd>
 *   <dt>commit step</dt>
 *   <dd>How far a block's committed prefix grows at a time: a multiple of the arena page. A block whose commit
 *       step equals its reservation is committed whole when it is made (a <em>committed block</em>); one with
 *       a smaller step is a <em>virtual block</em>.</dd>
 *   <dt>zero mark</dt>
 *   <dd>The offset in a block at and above which every byte is known to be zero: it was never handed out since
 *       it was committed or purged. A zeroing push fills only what lies below the mark.</dd>
 *   <dt>handed out</dt>
 *   <dd>A position is handed out when it lies at or below the arena's position, within the used part of a block
 *       of the chain ({@link dev.jalloc.internal.arena.BlockChain#isHandedOut}); the unused end of an earlier
 *       block's reservation, and the space between blocks, never were, and pops refuse them.</dd>
 *   <dt>tail</dt>
 *   <dd>The current block from the position to the end of its reservation, lent to one vector, heap or best-fit
 *       allocator at a time as a {@link dev.jalloc.internal.memory.Region}: its commits and purges go through this
 *       block source and count in the arena's numbers.</dd>
    <dt>purge</dt>
 *   <dd>Give a block's pages above some offset back to the system while keeping them accessible (see
 *       {@link dev.jalloc.internal.os.Os#purge}), so that a segment that outlived its pop cannot crash the JVM.</dd>
 * </dl>
 *
 * <p>Picture of one virtual block (offsets grow to the right):
 * <pre>
 *   address                                                                    address + reserved
 *   |<------------------------------ reserved ---------------------------------------->|
 *   |<--------------- committed (read-write) ----------->|<---- reserved, no access ---->|
 *   |<--- used --->|<- dirty: handed out before ->|<-zero->|
 *                  ^ offset (pos - basePos)        ^ zero mark
 * </pre>
 */
package dev.jalloc.internal.arena;
