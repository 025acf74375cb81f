/**
 * Linear arenas: memory handed out by bumping a position and taken back by moving it back, with temp scopes
 * and per-thread scratch arenas.
 *
 * <h2>Growth</h2>
 * How an arena gets more memory is chosen when it is built, and chaining can be switched on a live arena:
 * <ul>
 *   <li><b>fixed</b> ({@link LinearArena#ofFixed(java.lang.foreign.MemorySegment)}, {@link
 *   LinearArena#ofFixed(long)}): one block that never grows, over
 *       the caller's memory or committed up front; a push that does not fit throws
 *       {@link dev.jalloc.OutOfNativeMemoryError}.</li>
 *   <li><b>chained</b> ({@link LinearArena#ofChained()}): committed blocks; when one is full a new block is linked,
 *   and a
 *       push larger than a block gets a block of its own.</li>
 *   <li><b>virtual</b> ({@link LinearArena#ofVirtual()}): one large reservation ({@value
 *   LinearArena#DEFAULT_RESERVE_SIZE} bytes by
 *       default) committed in {@link LinearArena#commitStep()} steps as the position grows. Addresses never
 *       move.</li>
 *   <li><b>virtual + chained</b>: when a reservation is exhausted, another reservation is linked.</li>
 * </ul>
 *
 * <h2>Positions</h2>
 * {@link LinearArena#pos()} counts bytes from the start of the arena, monotonically across chained blocks (a block's
 * first
 * byte has the position just past the end of the previous block's reservation, so a position is never reused by
 * two blocks). {@link LinearArena#popTo(long)} takes back everything pushed at or above a position; {@link
 * LinearArena#temp()} saves
 * the position and restores it on close. A position is one the arena <em>handed out</em>: at most {@link
 * LinearArena#pos()},
 * and within the used part of a block; the unused end of an earlier block's reservation was never handed out, and
 * {@code popTo} refuses it.
 *
 * <h2>Zeroing</h2>
 * {@link LinearArena#push} and {@link LinearArena#allocate} return zeroed memory, as the {@link
 * java.lang.foreign.Arena} contract requires; memory that
 * was never handed out since the OS committed it is already zero and is not written again, so pushing into fresh
 * memory costs no more than {@link LinearArena#pushNoInit}.
 *
 * <h2>Taking memory back</h2>
 * Popping never unmaps and never makes memory inaccessible while the arena is open: a segment that outlived its
 * pop keeps pointing at mapped memory (whose contents are no longer its own), so a bug reads garbage instead of
 * crashing the JVM. Above {@link LinearArena#retainBytes()} of position, popped pages are <em>purged</em>: their
 * physical
 * memory (and on Linux their commit charge) goes back to the OS, so a {@link LinearArena#clear()} after a huge burst
 * does
 * not keep gigabytes committed. Blocks popped off a chain are kept for reuse; {@link LinearArena#trim()} purges them
 * and
 * everything above the position at once. Everything is returned at {@link LinearArena#close()}, after the arena's
 * scope has
 * ended.
 *
 * <h2>The caller's memory</h2>
 * An arena over the caller's segment ({@link LinearArena#ofFixed(java.lang.foreign.MemorySegment)}) hands out slices
 * of it: they keep the
 * caller's lifetime (an arena from {@link java.lang.foreign.Arena#ofAuto()} stays alive while they are reachable,
 * and once the
 * caller closes its arena they throw {@link IllegalStateException}, as does every push), and jalloc never commits,
 * purges, remaps or unmaps that memory.
 *
 * <h2>Checked mode</h2>
 * With {@link LinearArenaBuilder#checked(boolean)}, every {@link LinearArena#temp()} scope gets its own lifetime:
 * segments pushed
 * while it is the innermost temp stop being accessible when it closes (an access throws
 * {@link IllegalStateException}, as after a JDK arena's close), and popped bytes are filled with
 * {@link LinearArena#POISON}. Checked pushes take the slow path; use it in tests and debug builds. Over
 * the caller's memory a segment keeps the caller's lifetime, not the temp's (a segment has one scope): there a stale
 * segment of an ended temp reads the poison instead of throwing.
 *
 * <h2>Threads</h2>
 * Confined by default, like {@link java.lang.foreign.Arena#ofConfined()}: only the thread that built the arena may
 * use it (others
 * get {@link WrongThreadException}) and segments are accessible from that thread only. A
 * {@linkplain LinearArenaBuilder#shared(boolean) shared} arena may be pushed, popped and closed from any thread, and
 * its segments are accessible from every thread. A push that fits in the committed part of the current block takes
 * no lock: it is one compare-and-set of the position, so threads pushing at once never wait for one another (unless
 * the arena is checked: then every push takes the lock). Everything else (growth, pops, temps, observers, close)
 * takes the arena's lock, which first stops the lock-free pushes, so a pop never runs in the middle of a push.
 * <p>A position, a pop and a temp are the arena's, not a thread's: on a shared arena, {@code popTo}, {@code clear()}
 * or the close of a temp takes back everything pushed above that position by <em>every</em> thread, and a temp's
 * start may lie below pushes other threads made before it. So temps on a shared arena suit one thread at a time (a
 * task's phase that no other thread pushes during); for per-thread temporary memory, use {@link
 * dev.jalloc.arena.Scratch} or a confined arena per thread.
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
 *       at or above it. {@code push} zeroes what it hands out, {@code pushNoInit} does not.</dd>
 *   <dt>reserve / commit / purge / release</dt>
 *   <dd>Take address space with no memory behind it / make part of it usable (charged by the OS) / give the
 *       physical pages of popped memory back while keeping them mapped / give the address space back
 *       (only on close).</dd>
 *   <dt>OS page vs arena page</dt>
 *   <dd>The OS page is the system's mapping unit (4 KiB on x86-64 Linux); the arena page is the OS page or,
 *       when asked for and granted, the large page (2 MiB). Reservations and commits are whole arena pages.</dd>
 *   <dt>temp</dt>
 *   <dd>A {@link dev.jalloc.arena.Temp}: a saved position restored on close. Temps nest, innermost first. A
 *       temp's verbs ({@code allocate}, {@code allocateNoInit}, {@code allocateAddress},
 *       {@code allocateAddressNoInit}) are pushes on its arena that refuse once it is closed.</dd>
 *   <dt>scratch arena</dt>
 *   <dd>One of a thread's {@value dev.jalloc.arena.Scratch#ARENAS_PER_THREAD} arenas for temporary memory, see
 *       {@link dev.jalloc.arena.Scratch}.</dd>
 *   <dt>checked mode</dt>
 *   <dd>An arena option: temps get their own lifetimes, so a segment from an ended temp throws on access, and
 *       popped bytes are poisoned.</dd>
 * </dl>
 */
package dev.jalloc.arena;
