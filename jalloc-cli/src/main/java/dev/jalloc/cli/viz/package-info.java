/**
 * {@code jalloc viz}: a picture of a heap ({@link dev.jalloc.heap.HeapPicture}) as a self-contained HTML page or as
 * text, after a built-in workload ({@code --demo}) or after the first ops of a malloc-lab trace ({@code --trace}).
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>op</dt>
 *   <dd>One line of a trace ({@code a}, {@code f} or {@code r}). "At op N" means after the first N ops: 0 is the
 *       empty heap, the trace's op count is its end.</dd>
 *   <dt>peak</dt>
 *   <dd>The op count after which the live bytes (bytes the trace asked for and has not freed, a size 0 counting 0)
 *       are highest, the first such if several: {@code --at}'s default, found by a pass over the trace that
 *       allocates nothing.</dd>
 *   <dt>span</dt>
 *   <dd>A slab, a pool or a large payload: what the page counts in {@code data-drawn-spans}.</dd>
 * </dl>
 *
 * <pre>
 *   VizCommand ──> VizDemo (the built-in workload)      ──> Heap.picture() ──> toHtml() / toText()
 *              └─> TracePrefix (peak, replay up to op N) ─┘
 * </pre>
 */
package dev.jalloc.cli.viz;
