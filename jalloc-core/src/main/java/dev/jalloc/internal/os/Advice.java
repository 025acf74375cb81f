package dev.jalloc.internal.os;

/** Hints about committed pages. */
public enum Advice {
    /** Back the range with large (huge) pages where the system can: Linux {@code MADV_HUGEPAGE}. */
    HUGE_PAGES,
    /**
     * The contents are no longer needed: the system may take the physical pages back at once. The range stays
     * committed; on Linux it reads as zero afterwards, elsewhere its contents are undefined.
     */
    DONT_NEED,
    /**
     * The range is about to be written: map every page now, in one call, instead of taking a page fault on
     * each first touch. Linux {@code MADV_POPULATE_WRITE} (5.14 and later; older kernels answer
     * {@code EINVAL}). The pages stay committed and read as zero; only when they get physical memory changes.
     */
    POPULATE
}
