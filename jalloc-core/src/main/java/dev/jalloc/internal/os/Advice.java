package dev.jalloc.internal.os;

/** Hints about committed pages. */
public enum Advice {
    /** Back the range with large (huge) pages where the system can: Linux {@code MADV_HUGEPAGE}. */
    HUGE_PAGES,
    /**
     * The contents are no longer needed: the system may take the physical pages back at once. The range stays
     * committed; on Linux it reads as zero afterwards, elsewhere its contents are undefined.
     */
    DONT_NEED
}
