/**
 * Vectors over reserved virtual memory: growable arrays that reserve address space for their largest size up
 * front and commit pages as they grow, so that they never copy and their elements never move.
 *
 * <h2>Words</h2>
 * <ul>
 *   <li><b>size</b>: the live elements, indexes {@code [0, size)}.</li>
 *   <li><b>capacity</b>: the elements that fit in the committed pages; appending below it makes no system
 *       call.</li>
 *   <li><b>max capacity</b>: the elements that fit in the reservation; the vector can never hold more.</li>
 *   <li><b>commit step</b>: the largest single growth of the committed bytes, and the slack kept when
 *       shrinking.</li>
 *   <li><b>structure</b>: size and committed pages; changed by add, insert, remove, clear, truncate,
 *       ensureCapacity, trimToSize and close. Element writes (set, fill, sort) do not change it.</li>
 * </ul>
 *
 * <pre>
 *   all (one MemorySegment over the reservation, with the vector's lifetime)
 *   |&lt;-- size * stride -->|&lt;- capacity - size ->|&lt;------ reserved, not committed: no access ------>|
 *   [e0][e1][e2] ... [en-1][ committed, unused  ][                                                  ]
 *   ^ address(): fixed until close     committedBytes() - byteSize() &lt;= commit step (or one page)
 * </pre>
 *
 * <p>Names: {@link dev.jalloc.vector.IntVec}, {@link dev.jalloc.vector.LongVec},
 * {@link dev.jalloc.vector.DoubleVec} and {@link dev.jalloc.vector.LayoutVec}, so as not to collide with
 * {@code java.util.Vector} or {@code jdk.incubator.vector.IntVector}.
 */
package dev.jalloc.vector;
