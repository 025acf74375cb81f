package dev.jalloc.internal.os;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jalloc.SystemCallException;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Map;

/**
 * The primitives on Windows, through kernel32, each with {@code GetLastError()} captured by the linker.
 *
 * <pre>
 *   reserve           VirtualAlloc(NULL, n, MEM_RESERVE, PAGE_NOACCESS)
 *   reserveCommitted  VirtualAlloc(NULL, n, MEM_RESERVE|MEM_COMMIT, PAGE_READWRITE)
 *   commit            VirtualAlloc(a, n, MEM_COMMIT, PAGE_READWRITE)     charged against the commit limit
 *   decommit          VirtualFree(a, n, MEM_DECOMMIT)
 *   purge             VirtualFree(a, n, MEM_DECOMMIT), then VirtualAlloc(a, n, MEM_COMMIT, PAGE_READWRITE):
 *                     zero pages again; the range is inaccessible for the moment between the two calls
 *   release           VirtualFree(a, 0, MEM_RELEASE)                     the whole reservation, always
 *   protect           VirtualProtect(a, n, PAGE_*, &amp;old)
 *   advise DONT_NEED  VirtualAlloc(a, n, MEM_RESET, PAGE_NOACCESS)       contents undefined afterwards
 * </pre>
 * Large pages on Windows need {@code SeLockMemoryPrivilege} and must be committed whole at reservation
 * ({@code MEM_LARGE_PAGES}); jalloc does not use them yet, and says so through
 * {@link #largePagesUnavailableReason()}.
 *
 * <p>Written against the WinAPI documentation; the downcall handles are made on first use, so the pure logic
 * here (flags, messages, alignment) is testable on any system.
 */
final class WindowsOs extends Os {
    static final int MEM_COMMIT = 0x1000;
    static final int MEM_RESERVE = 0x2000;
    static final int MEM_DECOMMIT = 0x4000;
    static final int MEM_RELEASE = 0x8000;
    static final int MEM_RESET = 0x80000;
    static final int PAGE_NOACCESS = 0x01;
    static final int PAGE_READONLY = 0x02;
    static final int PAGE_READWRITE = 0x04;

    static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    static final int ERROR_OUTOFMEMORY = 14;
    static final int ERROR_NO_SYSTEM_RESOURCES = 1450;
    static final int ERROR_COMMITMENT_LIMIT = 1455;

    private static final Map<Integer, String> ERROR_NAMES = Map.ofEntries(
            Map.entry(5, "ERROR_ACCESS_DENIED"),
            Map.entry(ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY"),
            Map.entry(ERROR_OUTOFMEMORY, "ERROR_OUTOFMEMORY"),
            Map.entry(87, "ERROR_INVALID_PARAMETER"),
            Map.entry(487, "ERROR_INVALID_ADDRESS"),
            Map.entry(1314, "ERROR_PRIVILEGE_NOT_HELD"),
            Map.entry(ERROR_NO_SYSTEM_RESOURCES, "ERROR_NO_SYSTEM_RESOURCES"),
            Map.entry(ERROR_COMMITMENT_LIMIT, "ERROR_COMMITMENT_LIMIT"));

    private static final Map<Integer, String> ERROR_TEXTS = Map.ofEntries(
            Map.entry(5, "Access is denied."),
            Map.entry(ERROR_NOT_ENOUGH_MEMORY, "Not enough memory resources are available to process this command."),
            Map.entry(ERROR_OUTOFMEMORY, "Not enough memory resources are available to complete this operation."),
            Map.entry(87, "The parameter is incorrect."),
            Map.entry(487, "Attempt to access invalid address."),
            Map.entry(1314, "A required privilege is not held by the client."),
            Map.entry(ERROR_NO_SYSTEM_RESOURCES,
                    "Insufficient system resources exist to complete the requested service."),
            Map.entry(ERROR_COMMITMENT_LIMIT, "The paging file is too small for this operation to complete."));

    /** How many times an aligned reservation is retried when another thread takes the address in between. */
    static final int ALIGNED_RESERVE_ATTEMPTS = 16;

    /** The kernel32 functions, bound on first use. */
    private static final class Kernel32 {
        static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
        static final VarHandle LAST_ERROR = CAPTURE_LAYOUT.varHandle(PathElement.groupElement("GetLastError"));
        static final MethodHandle VIRTUAL_ALLOC;
        static final MethodHandle VIRTUAL_FREE;
        static final MethodHandle VIRTUAL_PROTECT;
        static final MethodHandle GET_SYSTEM_INFO;
        static final MethodHandle GET_LARGE_PAGE_MINIMUM;

        static {
            Linker linker = Linker.nativeLinker();
            SymbolLookup k32 = SymbolLookup.libraryLookup("kernel32", Arena.global());
            Linker.Option lastError = Linker.Option.captureCallState("GetLastError");
            VIRTUAL_ALLOC = linker.downcallHandle(k32.findOrThrow("VirtualAlloc"),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT), lastError);
            VIRTUAL_FREE = linker.downcallHandle(k32.findOrThrow("VirtualFree"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), lastError);
            VIRTUAL_PROTECT = linker.downcallHandle(k32.findOrThrow("VirtualProtect"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG), lastError);
            GET_SYSTEM_INFO = linker.downcallHandle(k32.findOrThrow("GetSystemInfo"),
                    FunctionDescriptor.ofVoid(JAVA_LONG));
            GET_LARGE_PAGE_MINIMUM = linker.downcallHandle(k32.findOrThrow("GetLargePageMinimum"),
                    FunctionDescriptor.of(JAVA_LONG));
        }
    }

    /** Offsets in {@code SYSTEM_INFO} (48 bytes on 64-bit Windows). */
    static final long SYSTEM_INFO_SIZE = 48;
    static final long SYSTEM_INFO_PAGE_SIZE = 4;
    static final long SYSTEM_INFO_ALLOCATION_GRANULARITY = 40;

    private long pageSize;
    private long granularity;
    private long largePageSize = -1;

    WindowsOs() {
    }

    @Override
    public String name() {
        return "windows";
    }

    private void readSystemInfo() {
        if (pageSize != 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SYSTEM_INFO_SIZE, 8);
            Kernel32.GET_SYSTEM_INFO.invokeExact(info.address());
            long page = Integer.toUnsignedLong(info.get(JAVA_INT, SYSTEM_INFO_PAGE_SIZE));
            long gran = Integer.toUnsignedLong(info.get(JAVA_INT, SYSTEM_INFO_ALLOCATION_GRANULARITY));
            granularity = gran;
            pageSize = page;
        } catch (Throwable t) {
            throw new IllegalStateException("GetSystemInfo failed", t);
        }
    }

    @Override
    public long pageSize() {
        readSystemInfo();
        return pageSize;
    }

    @Override
    public long allocationGranularity() {
        readSystemInfo();
        return granularity;
    }

    @Override
    public long largePageSize() {
        if (largePageSize < 0) {
            try {
                largePageSize = (long) Kernel32.GET_LARGE_PAGE_MINIMUM.invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException("GetLargePageMinimum failed", t);
            }
        }
        return largePageSize;
    }

    @Override
    public String largePagesUnavailableReason() {
        return "windows: large pages need SeLockMemoryPrivilege and MEM_LARGE_PAGES committed at reservation,"
                + " which jalloc does not use yet";
    }

    @Override
    public long reserve(long byteSize, long alignment) {
        if (alignment <= allocationGranularity()) {
            return virtualAlloc(0, byteSize, MEM_RESERVE, PAGE_NOACCESS);
        }
        // Windows cannot give back part of a reservation: find an aligned hole, free it, reserve it exactly.
        // Another thread may take the hole in between, hence the retries.
        for (int attempt = 0; ; attempt++) {
            long probe = virtualAlloc(0, byteSize + alignment, MEM_RESERVE, PAGE_NOACCESS);
            virtualFree(probe, 0, MEM_RELEASE);
            long aligned = Bits.alignUp(probe, alignment);
            try {
                return virtualAlloc(aligned, byteSize, MEM_RESERVE, PAGE_NOACCESS);
            } catch (SystemCallException e) {
                if (attempt + 1 >= ALIGNED_RESERVE_ATTEMPTS || e.isOutOfMemory()) {
                    throw e;
                }
            }
        }
    }

    @Override
    public long reserveCommitted(long byteSize) {
        return virtualAlloc(0, byteSize, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    }

    @Override
    public void commit(long address, long byteSize) {
        virtualAlloc(address, byteSize, MEM_COMMIT, PAGE_READWRITE);
    }

    @Override
    public void decommit(long address, long byteSize) {
        virtualFree(address, byteSize, MEM_DECOMMIT);
    }

    @Override
    public void purge(long address, long byteSize) {
        virtualFree(address, byteSize, MEM_DECOMMIT);
        virtualAlloc(address, byteSize, MEM_COMMIT, PAGE_READWRITE);
    }

    @Override
    public void release(long address, long byteSize) {
        virtualFree(address, 0, MEM_RELEASE);
    }

    @Override
    public void protect(long address, long byteSize, Protection protection) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Kernel32.CAPTURE_LAYOUT);
            MemorySegment old = arena.allocate(JAVA_INT);
            int flags = pageProtection(protection);
            int ok = (int) Kernel32.VIRTUAL_PROTECT.invokeExact(state, address, byteSize, flags, old.address());
            if (ok == 0) {
                throw failure(state, "VirtualProtect", "lpAddress=" + Bits.hex(address) + ", dwSize=" + byteSize
                        + ", flNewProtect=" + protectionName(flags));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Override
    public boolean advise(long address, long byteSize, Advice advice) {
        if (advice != Advice.DONT_NEED) {
            return false;
        }
        virtualAlloc(address, byteSize, MEM_RESET, PAGE_NOACCESS);
        return true;
    }

    /** Not known here: {@code QueryWorkingSetEx} would tell, and is not written yet. */
    @Override
    public long residentBytes(long address, long byteSize) {
        return -1;
    }

    private long virtualAlloc(long address, long byteSize, int type, int protect) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Kernel32.CAPTURE_LAYOUT);
            long result = (long) Kernel32.VIRTUAL_ALLOC.invokeExact(state, address, byteSize, type, protect);
            if (result == 0) {
                throw failure(state, "VirtualAlloc", "lpAddress=" + Bits.hex(address) + ", dwSize=" + byteSize
                        + ", flAllocationType=" + allocationTypeName(type) + ", flProtect=" + protectionName(protect));
            }
            return result;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private void virtualFree(long address, long byteSize, int type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Kernel32.CAPTURE_LAYOUT);
            int ok = (int) Kernel32.VIRTUAL_FREE.invokeExact(state, address, byteSize, type);
            if (ok == 0) {
                throw failure(state, "VirtualFree", "lpAddress=" + Bits.hex(address) + ", dwSize=" + byteSize
                        + ", dwFreeType=" + allocationTypeName(type));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static SystemCallException failure(MemorySegment state, String call, String arguments) {
        return error(call, arguments, (int) Kernel32.LAST_ERROR.get(state, 0L));
    }

    // ---- pure logic, tested on every system ----

    /** {@return the exception for {@code GetLastError() == code} after {@code call(arguments)}} */
    static SystemCallException error(String call, String arguments, int code) {
        return new SystemCallException(call, arguments, code, errorName(code),
                ERROR_TEXTS.getOrDefault(code, "see the Windows system error codes"), isOutOfMemory(code));
    }

    static String errorName(int code) {
        return ERROR_NAMES.getOrDefault(code, "error " + code);
    }

    static boolean isOutOfMemory(int code) {
        return code == ERROR_NOT_ENOUGH_MEMORY || code == ERROR_OUTOFMEMORY
                || code == ERROR_NO_SYSTEM_RESOURCES || code == ERROR_COMMITMENT_LIMIT;
    }

    static int pageProtection(Protection protection) {
        return switch (protection) {
            case NONE -> PAGE_NOACCESS;
            case READ -> PAGE_READONLY;
            case READ_WRITE -> PAGE_READWRITE;
        };
    }

    static String protectionName(int flags) {
        return switch (flags) {
            case PAGE_NOACCESS -> "PAGE_NOACCESS";
            case PAGE_READONLY -> "PAGE_READONLY";
            case PAGE_READWRITE -> "PAGE_READWRITE";
            default -> Bits.hex(flags);
        };
    }

    static String allocationTypeName(int type) {
        StringBuilder b = new StringBuilder();
        int rest = type;
        int[] bits = {MEM_COMMIT, MEM_RESERVE, MEM_DECOMMIT, MEM_RELEASE, MEM_RESET};
        String[] names = {"MEM_COMMIT", "MEM_RESERVE", "MEM_DECOMMIT", "MEM_RELEASE", "MEM_RESET"};
        for (int i = 0; i < bits.length; i++) {
            if ((rest & bits[i]) != 0) {
                b.append(b.isEmpty() ? "" : "|").append(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0 || b.isEmpty()) {
            b.append(b.isEmpty() ? "" : "|").append(Bits.hex(rest));
        }
        return b.toString();
    }
}
