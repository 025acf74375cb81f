/**
 * The memory behind linear arenas and vectors: blocks, regions, and the source that reserves, commits, purges
 * and releases them.
 * Everything here deals in addresses and byte counts; segments are made by {@code dev.jalloc.arena}.
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
 *   <dt>region</dt>
 *   <dd>A range whose committed prefix grows and shrinks in whole pages and never moves: what a vector grows
 *       into ({@link dev.jalloc.internal.arena.Region}). Either a reservation of the vector's own
 *       ({@link dev.jalloc.internal.arena.OwnReservation}) or the <em>tail</em> of an arena's current block, from
 *       its position to the end of the block's reservation, lent to one vector at a time.</dd>
 *   <dt>purge</dt>
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
