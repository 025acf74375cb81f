package dev.jalloc.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.SystemCallException;
import org.junit.jupiter.api.Test;

/** What the Windows layer computes without calling Windows: flags, names, messages, error classes. */
class WindowsOsLogicTest {

    @Test
    void protectionsMapToPageConstants() {
        assertEquals(0x01, WindowsOs.pageProtection(Protection.NONE));
        assertEquals(0x02, WindowsOs.pageProtection(Protection.READ));
        assertEquals(0x04, WindowsOs.pageProtection(Protection.READ_WRITE));
        assertEquals("PAGE_READWRITE", WindowsOs.protectionName(0x04));
        assertEquals("PAGE_NOACCESS", WindowsOs.protectionName(0x01));
        assertEquals("0x40", WindowsOs.protectionName(0x40));
    }

    @Test
    void allocationTypesAreNamedBitByBit() {
        assertEquals("MEM_COMMIT|MEM_RESERVE",
                WindowsOs.allocationTypeName(WindowsOs.MEM_COMMIT | WindowsOs.MEM_RESERVE));
        assertEquals("MEM_RELEASE", WindowsOs.allocationTypeName(WindowsOs.MEM_RELEASE));
        assertEquals("MEM_RESET|0x20000000", WindowsOs.allocationTypeName(WindowsOs.MEM_RESET | 0x20000000));
        assertEquals("0x0", WindowsOs.allocationTypeName(0));
    }

    @Test
    void errorsNameTheCallTheArgumentsAndTheCode() {
        SystemCallException e = WindowsOs.error("VirtualAlloc", "lpAddress=0x0, dwSize=4096", 1455);
        assertEquals("VirtualAlloc", e.call());
        assertEquals("ERROR_COMMITMENT_LIMIT", e.errorName());
        assertTrue(e.isOutOfMemory());
        assertEquals("VirtualAlloc(lpAddress=0x0, dwSize=4096) failed: ERROR_COMMITMENT_LIMIT (1455: The paging file"
                + " is too small for this operation to complete.)", e.getMessage());
        SystemCallException bad = WindowsOs.error("VirtualFree", "x", 87);
        assertEquals("ERROR_INVALID_PARAMETER", bad.errorName());
        assertFalse(bad.isOutOfMemory());
        assertEquals("error 99999", WindowsOs.errorName(99999));
    }

    @Test
    void outOfMemoryCodesAreRecognized() {
        for (int code : new int[] {8, 14, 1450, 1455}) {
            assertTrue(WindowsOs.isOutOfMemory(code), "code " + code);
        }
        for (int code : new int[] {0, 5, 87, 487, 1314}) {
            assertFalse(WindowsOs.isOutOfMemory(code), "code " + code);
        }
    }

    @Test
    void systemInfoOffsetsMatchTheWin64Layout() {
        // SYSTEM_INFO: WORD arch, WORD reserved, DWORD dwPageSize, LPVOID min, LPVOID max, DWORD_PTR mask,
        // DWORD nproc, DWORD type, DWORD dwAllocationGranularity, WORD level, WORD revision.
        assertEquals(4, WindowsOs.SYSTEM_INFO_PAGE_SIZE);
        assertEquals(2 + 2 + 4 + 8 + 8 + 8 + 4 + 4, WindowsOs.SYSTEM_INFO_ALLOCATION_GRANULARITY);
        assertEquals(WindowsOs.SYSTEM_INFO_ALLOCATION_GRANULARITY + 4 + 2 + 2, WindowsOs.SYSTEM_INFO_SIZE);
    }
}
