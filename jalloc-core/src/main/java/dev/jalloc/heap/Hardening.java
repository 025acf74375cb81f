package dev.jalloc.heap;

/**
 * How hard a {@link Heap} makes the mistakes of native code and raw addresses to exploit: an overflow past a
 * payload, a write or read after free, a double free. Java code using the segments a heap hands out is bounds-checked
 * already; these levels are for the memory that downcalls, raw addresses ({@link AddressAllocator}) and
 * {@link java.lang.foreign.MemorySegment#reinterpret} reach. Chosen once, with {@link HeapBuilder#hardening}; the
 * heap's hot paths at {@link #NONE} do not change.
 *
 * <p>At every level, a free, reallocation or usable-size query of an address the heap did not hand out, an address
 * inside a payload or one already freed throws {@link IllegalArgumentException} and changes nothing (the check is
 * exact: a bitmap kept apart from the payloads). The levels add:
 *
 * <table class="striped">
 *   <caption>What each level does</caption>
 *   <thead><tr><th>protection</th><th>{@code LIGHT}</th><th>{@code STANDARD}</th><th>{@code FULL}</th></tr></thead>
 *   <tbody>
 *   <tr><td>zero on free: a freed slot is zeroed, a freed large payload zeroed (from 1 MiB given back to the OS):
 *       reads after free see zeros</td><td>yes</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>canary: 8 bytes after every slot's usable bytes (a secret of the heap mixed with the address, its first
 *       byte zero so that C strings stop there), checked at free, at reallocation and by {@link Heap#check()}</td>
 *       <td>yes</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>write-after-free check: a slot handed out again must still be zero</td><td>no</td><td>yes</td>
 *       <td>yes</td></tr>
 *   <tr><td>quarantine: freed slots wait before reuse, per size class, in a randomly replaced array and then a
 *       FIFO queue (a slot comes back only after more frees of its class than the queue holds, at a random
 *       moment); freed large payloads likewise in one quarantine of their own; both bounded in bytes</td>
 *       <td>no</td><td>8 + 8 slots per class (fewer in the largest classes: 2.3 MiB at most); 8 + 8 large,
 *       64 MiB</td><td>128 + 128 slots per class (25 MiB at most); 32 + 32 large, 256 MiB</td></tr>
 *   <tr><td>random base: the heap's pages start at a random offset (up to 1 GiB of address space) of its
 *       reservation</td><td>yes</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>a double free found in the quarantine says so</td><td>-</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>guard pages: a mapping of its own between two inaccessible regions of 1 to 16 random pages, kept
 *       inaccessible while quarantined (an overflow or a use after free through a raw address faults); a request
 *       of zero bytes gets an address where such a guard starts (any access faults)</td>
 *       <td>no</td><td>from 128 KiB, and zero bytes</td><td>above 32 KiB, and zero bytes</td></tr>
 *   <tr><td>guard slabs: an inaccessible page directly after every N-th new slab or pool (an overflow off its end
 *       faults), from pages never handed out; N is {@link HeapBuilder#guardSlabInterval}</td>
 *       <td>if asked</td><td>after every one</td><td>after every one</td></tr>
 *   <tr><td>random span choice: a new slab, pool or large span takes one of the four best-fitting free spans at
 *       random</td><td>no</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>checked lifetimes ({@link HeapBuilder#checkedLifetimes}): each segment the heap hands out dies at its
 *       free</td><td>if asked</td><td>if asked</td><td>yes</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>A damaged canary or a freed slot found written throws {@link dev.jalloc.MemoryCorruptionError} (logged and
 * recorded first); the heap then refuses every call that would hand out, take back or read its memory, while its
 * statistics still answer and {@code close()} still gives everything back. A hardened heap, confined or shared, takes
 * no thread caches: a shared one serializes its calls on one lock, so that the quarantine and the randomness see
 * every free. The payload a request of {@code n} bytes gets is a slot of at least {@code n + 8} bytes.
 * docs/SECURITY.md lists what each level catches, what it costs, and what it does not catch.
 */
public enum Hardening {
    /** The default: the exact address checks every heap makes, nothing more. */
    NONE,
    /** Zero on free and canaries: cheap enough for production. */
    LIGHT,
    /**
     * {@link #LIGHT}, the write-after-free check, quarantines, random slot order and span choice, guard pages from
     * 128 KiB and after every slab and pool.
     */
    STANDARD,
    /**
     * {@link #STANDARD} with larger quarantines, guard pages above 32 KiB and checked lifetimes: thorough and slow,
     * for testing.
     */
    FULL
}
