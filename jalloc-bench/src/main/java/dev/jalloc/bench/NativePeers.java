package dev.jalloc.bench;

import java.lang.invoke.MethodHandle;

/**
 * The native mallocs of {@link HeapPeers}, called through FFM downcalls ({@link Natives}), plain or
 * {@code Linker.Option.critical(false)}: glibc, jemalloc and mimalloc of Debian's packages, and the hardened
 * anchors prebuilt in {@code ../shared/natives} ({@link SharedNatives}): mimalloc in secure mode, loaded privately
 * like Debian's, and hardened_malloc, which must be the whole process's malloc ({@code LD_PRELOAD}).
 *
 * <p>The classes differ only in their library and downcall option, and are copies on purpose: the JIT treats a
 * static final MethodHandle as a constant and inlines the downcall behind it, but not a handle held in an instance
 * field. One class parameterized by its handles would measure a call through a non-constant handle, which no
 * program calling malloc through FFM would write. {@link Hardened} serves both hardened_malloc configurations: its
 * handles are the process's malloc, which the preload decides, and its constructor checks which one it is.
 */
final class NativePeers {
    private NativePeers() {
    }

    static final class GlibcPlain extends HeapPeers.Addresses {
        static final Natives N = Natives.load(null, "libc6", "", false);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();
        static final MethodHandle REALLOC = N.realloc();

        GlibcPlain(int slots) {
            super(slots);
            N.check();
        }

        @Override
        long malloc(long byteSize) throws Throwable {
            return (long) MALLOC.invokeExact(byteSize);
        }

        @Override
        void release(long address) throws Throwable {
            FREE.invokeExact(address);
        }

        @Override
        long realloc(long address, long byteSize) throws Throwable {
            return (long) REALLOC.invokeExact(address, byteSize);
        }
    }

    static final class GlibcCritical extends HeapPeers.Addresses {
        static final Natives N = Natives.load(null, "libc6", "", true);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();
        static final MethodHandle REALLOC = N.realloc();

        GlibcCritical(int slots) {
            super(slots);
            N.check();
        }

        @Override
        long malloc(long byteSize) throws Throwable {
            return (long) MALLOC.invokeExact(byteSize);
        }

        @Override
        void release(long address) throws Throwable {
            FREE.invokeExact(address);
        }

        @Override
        long realloc(long address, long byteSize) throws Throwable {
            return (long) REALLOC.invokeExact(address, byteSize);
        }
    }

    static final class JemallocPlain extends HeapPeers.Addresses {
        static final Natives N = Natives.load("libjemalloc.so.2", "libjemalloc2", "", false);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();
        static final MethodHandle REALLOC = N.realloc();

        JemallocPlain(int slots) {
            super(slots);
            N.check();
        }

        @Override
        long malloc(long byteSize) throws Throwable {
            return (long) MALLOC.invokeExact(byteSize);
        }

        @Override
        void release(long address) throws Throwable {
            FREE.invokeExact(address);
        }

        @Override
        long realloc(long address, long byteSize) throws Throwable {
            return (long) REALLOC.invokeExact(address, byteSize);
        }
    }

    static final class JemallocCritical extends HeapPeers.Addresses {
        static final Natives N = Natives.load("libjemalloc.so.2", "libjemalloc2", "", true);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();
        static final MethodHandle REALLOC = N.realloc();

        JemallocCritical(int slots) {
            super(slots);
            N.check();
        }

        @Override
        long malloc(long byteSize) throws Throwable {
            return (long) MALLOC.invokeExact(byteSize);
        }

        @Override
        void release(long address) throws Throwable {
            FREE.invokeExact(address);
        }

        @Override
        long realloc(long address, long byteSize) throws Throwable {
            return (long) REALLOC.invokeExact(address, byteSize);
        }
    }

    static final class MimallocPlain extends HeapPeers.Addresses {
        static final Natives N = Natives.load("libmimalloc.so.2", "libmimalloc2.0", "mi_", false);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();
        static final MethodHandle REALLOC = N.realloc();

        MimallocPlain(int slots) {
            super(slots);
            N.check();
        }

        @Override
        long malloc(long byteSize) throws Throwable {
            return (long) MALLOC.invokeExact(byteSize);
        }

        @Override
        void release(long address) throws Throwable {
            FREE.invokeExact(address);
        }

        @Override
        long realloc(long address, long byteSize) throws Throwable {
            return (long) REALLOC.invokeExact(address, byteSize);
        }
    }

    static final class MimallocCritical extends HeapPeers.Addresses {
        static final Natives N = Natives.load("libmimalloc.so.2", "libmimalloc2.0", "mi_", true);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();
        static final MethodHandle REALLOC = N.realloc();

        MimallocCritical(int slots) {
            super(slots);
            N.check();
        }

        @Override
        long malloc(long byteSize) throws Throwable {
            return (long) MALLOC.invokeExact(byteSize);
        }

        @Override
        void release(long address) throws Throwable {
            FREE.invokeExact(address);
        }

        @Override
        long realloc(long address, long byteSize) throws Throwable {
            return (long) REALLOC.invokeExact(address, byteSize);
        }
    }

    /** mimalloc 2.0.9 in secure mode (MI_SECURE=ON), prebuilt in ../shared/natives; plain downcalls. */
    static final class MimallocSecurePlain extends HeapPeers.Addresses {
        static final Natives N = Natives.loadShared(SharedNatives.MIMALLOC_SECURE, "mi_", false);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();
        static final MethodHandle REALLOC = N.realloc();

        MimallocSecurePlain(int slots) {
            super(slots);
            N.check();
        }

        @Override
        long malloc(long byteSize) throws Throwable {
            return (long) MALLOC.invokeExact(byteSize);
        }

        @Override
        void release(long address) throws Throwable {
            FREE.invokeExact(address);
        }

        @Override
        long realloc(long address, long byteSize) throws Throwable {
            return (long) REALLOC.invokeExact(address, byteSize);
        }
    }

    /** The same, critical downcalls. */
    static final class MimallocSecureCritical extends HeapPeers.Addresses {
        static final Natives N = Natives.loadShared(SharedNatives.MIMALLOC_SECURE, "mi_", true);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();
        static final MethodHandle REALLOC = N.realloc();

        MimallocSecureCritical(int slots) {
            super(slots);
            N.check();
        }

        @Override
        long malloc(long byteSize) throws Throwable {
            return (long) MALLOC.invokeExact(byteSize);
        }

        @Override
        void release(long address) throws Throwable {
            FREE.invokeExact(address);
        }

        @Override
        long realloc(long address, long byteSize) throws Throwable {
            return (long) REALLOC.invokeExact(address, byteSize);
        }
    }

    /** hardened_malloc (default or light) as the process's malloc, which it must be (LD_PRELOAD); plain downcalls. */
    static final class Hardened extends HeapPeers.Addresses {
        static final Natives N = Natives.processMalloc(false);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();
        static final MethodHandle REALLOC = N.realloc();

        Hardened(String contender, String library, String preload, int slots) {
            super(slots);
            N.check();
            String problem = SharedNatives.notPreloaded(library, "run it as ./jalloc bench --preload " + preload
                    + " ... -p contender=" + contender + " (JMH's forks inherit the preload)");
            if (problem != null) {
                throw new IllegalStateException("contender unavailable, skipped: " + contender + ": " + problem);
            }
        }

        @Override
        long malloc(long byteSize) throws Throwable {
            return (long) MALLOC.invokeExact(byteSize);
        }

        @Override
        void release(long address) throws Throwable {
            FREE.invokeExact(address);
        }

        @Override
        long realloc(long address, long byteSize) throws Throwable {
            return (long) REALLOC.invokeExact(address, byteSize);
        }
    }
}
