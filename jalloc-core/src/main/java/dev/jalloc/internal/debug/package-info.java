/**
 * What the debug levels keep ({@link dev.jalloc.DebugLevel}): the allocation sites of live blocks, for leak
 * reports.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>site</dt>
 *   <dd>Where a block was allocated: the stack of the call into the allocator, the allocator's own frames left out,
 *       interned so that blocks of one site share one record.</dd>
 *   <dt>sample</dt>
 *   <dd>At {@code SAMPLED}, the blocks whose site is kept: each allocated byte has the same chance, one per
 *       {@value dev.jalloc.internal.debug.LeakTracker#SAMPLE_BYTES} bytes on average (exponential gaps, as
 *       jemalloc's heap profiling), so a site's share of the sample estimates its share of the bytes.</dd>
 * </dl>
 */
package dev.jalloc.internal.debug;
