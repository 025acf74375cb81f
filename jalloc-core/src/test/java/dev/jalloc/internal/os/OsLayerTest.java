package dev.jalloc.internal.os;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.SystemCallException;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.testing.MemInfo;
import dev.jalloc.testing.ProcMaps;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The POSIX primitives on this machine, checked against {@code /proc/self/maps}. */
class OsLayerTest {
    static final Os OS = Os.current();
    static final long PAGE = OS.pageSize();

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(OS.name().equals("linux") && ProcMaps.available(), "these checks read /proc/self/maps");
    }

    static String perms(long address) {
        for (ProcMaps.Mapping m : ProcMaps.read()) {
            if (m.start() <= address && address < m.end()) {
                return m.perms();
            }
        }
        return "unmapped";
    }

    @Test
    void pageSizesArePowersOfTwo() {
        assertTrue(Bits.isPowerOfTwo(PAGE));
        assertEquals(PAGE, OS.allocationGranularity());
        long large = OS.largePageSize();
        assertTrue(large == 0 || (Bits.isPowerOfTwo(large) && large > PAGE));
    }

    @Test
    void reserveCommitDecommitPurgeRelease() {
        long size = 16 * PAGE;
        long a = OS.reserve(size, PAGE);
        try {
            assertEquals("---p", perms(a));
            OS.commit(a, 4 * PAGE);
            assertEquals("rw-p", perms(a));
            assertEquals("---p", perms(a + 4 * PAGE));
            MemorySegment view = MemorySegment.ofAddress(a).reinterpret(4 * PAGE);
            assertEquals(0, view.get(JAVA_LONG, 0));
            view.set(JAVA_LONG, PAGE, 0x1234);
            OS.purge(a, 4 * PAGE);
            assertEquals("rw-p", perms(a), "purged pages stay accessible");
            assertEquals(0, view.get(JAVA_LONG, PAGE), "purged pages read as zero");
            view.set(JAVA_LONG, PAGE, 5);
            OS.advise(a, 4 * PAGE, Advice.DONT_NEED);
            assertEquals(0, view.get(JAVA_LONG, PAGE), "DONT_NEED drops the contents on Linux");
            OS.protect(a, PAGE, Protection.READ);
            assertEquals("r--p", perms(a));
            OS.protect(a, PAGE, Protection.NONE);
            assertEquals("---p", perms(a));
            OS.protect(a, PAGE, Protection.READ_WRITE);
            OS.decommit(a, 4 * PAGE);
            assertEquals("---p", perms(a));
            OS.commit(a, PAGE);
            assertEquals(0, view.get(JAVA_LONG, 0), "recommitted pages read as zero");
        } finally {
            OS.release(a, size);
        }
        assertEquals("unmapped", perms(a));
    }

    @Test
    void alignedReservationsAreAlignedAndTrimmed() {
        long align = 2L << 20;
        long a = OS.reserve(3 * align, align);
        try {
            assertEquals(0, a % align);
            assertEquals(3 * align, ProcMaps.coveredBytes(ProcMaps.read(), a, a + 3 * align));
        } finally {
            OS.release(a, 3 * align);
        }
    }

    @Test
    void reserveCommittedIsReadWriteAndZero() {
        long a = OS.reserveCommitted(2 * PAGE);
        try {
            assertEquals("rw-p", perms(a));
            assertEquals(0, MemorySegment.ofAddress(a).reinterpret(2 * PAGE).get(JAVA_LONG, PAGE));
        } finally {
            OS.release(a, 2 * PAGE);
        }
    }

    @Test
    void aFailedCallNamesTheCallTheArgumentsAndTheErrno() {
        SystemCallException e = assertThrows(SystemCallException.class, () -> OS.release(PAGE + 1, PAGE));
        assertEquals("munmap", e.call());
        assertEquals(22, e.errorCode());
        assertEquals("EINVAL", e.errorName());
        assertTrue(e.getMessage().startsWith("munmap(address=0x" + Long.toHexString(PAGE + 1) + ", length=" + PAGE
                + ") failed: EINVAL (22: Invalid argument)"), e.getMessage());
        assertTrue(!e.isOutOfMemory());
    }

    @Test
    void aCommitBeyondWhatTheSystemCanBackIsRefusedWithEnomem() throws IOException {
        assumeTrue(MemInfo.refusesOversizedCommits(), "overcommit_memory=1 accepts every commit");
        long tooMuch = Bits.alignUp(MemInfo.physicalPlusSwapBytes() * 2, PAGE);
        long a = OS.reserve(tooMuch, PAGE);
        try {
            SystemCallException e = assertThrows(SystemCallException.class, () -> OS.commit(a, tooMuch));
            assertEquals("ENOMEM", e.errorName());
            assertTrue(e.isOutOfMemory());
            assertTrue(e.getMessage().contains("prot=PROT_READ|PROT_WRITE"), e.getMessage());
            assertEquals("---p", perms(a), "a refused commit leaves the range reserved");
        } finally {
            OS.release(a, tooMuch);
        }
    }

    @Test
    void hugePageAdviceIsTakenOnLinux() {
        long large = OS.largePageSize();
        assumeTrue(large > 0 && OS.largePagesUnavailableReason() == null, "no transparent huge pages");
        long a = OS.reserve(2 * large, large);
        try {
            OS.commit(a, 2 * large);
            assertTrue(OS.advise(a, 2 * large, Advice.HUGE_PAGES));
        } finally {
            OS.release(a, 2 * large);
        }
    }
}
