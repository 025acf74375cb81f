package dev.jalloc.bench.mt;

import dev.jalloc.bench.Natives;
import dev.jalloc.bench.SharedNatives;
import java.lang.invoke.MethodHandle;

/**
 * The native mallocs as {@link Blocks}: glibc, jemalloc and mimalloc, malloc and free through downcalls made with
 * {@code Linker.Option.critical(false)} (no thread-state transition: the cheapest downcall, for calls that do not
 * block), loaded as {@link Natives} loads them for the JMH benchmarks; and the hardened anchors of
 * {@link SharedNatives}: mimalloc in secure mode, and hardened_malloc as the process's malloc (its child JVM runs
 * with {@code LD_PRELOAD}: see {@link MtBench}). A library that cannot be loaded fails the constructor with
 * {@link IllegalStateException} saying why, and the run is reported as skipped.
 *
 * <p>The classes differ only in their library and are copies on purpose, as in {@code HeapPeers}: the JIT
 * inlines a downcall through a {@code static final} handle, not through one held in an instance field.
 */
final class NativeBlocks {
    private NativeBlocks() {
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError(t);
    }

    /** glibc's malloc and free (the default lookup). */
    static final class Glibc extends Blocks.AddressBlocks {
        static final Natives N = Natives.load(null, "libc6", "", true);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();

        Glibc(int size) {
            super(size);
            N.check();
        }

        @Override
        long malloc(int byteSize) {
            try {
                return (long) MALLOC.invokeExact((long) byteSize);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        @Override
        void release(long address) {
            try {
                FREE.invokeExact(address);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    /** jemalloc 5 of Debian's libjemalloc2 (needs GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384). */
    static final class Jemalloc extends Blocks.AddressBlocks {
        static final Natives N = Natives.load("libjemalloc.so.2", "libjemalloc2", "", true);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();

        Jemalloc(int size) {
            super(size);
            N.check();
        }

        @Override
        long malloc(int byteSize) {
            try {
                return (long) MALLOC.invokeExact((long) byteSize);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        @Override
        void release(long address) {
            try {
                FREE.invokeExact(address);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    /** mimalloc 2 of Debian's libmimalloc2.0: mi_malloc and mi_free. */
    static final class Mimalloc extends Blocks.AddressBlocks {
        static final Natives N = Natives.load("libmimalloc.so.2", "libmimalloc2.0", "mi_", true);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();

        Mimalloc(int size) {
            super(size);
            N.check();
        }

        @Override
        long malloc(int byteSize) {
            try {
                return (long) MALLOC.invokeExact((long) byteSize);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        @Override
        void release(long address) {
            try {
                FREE.invokeExact(address);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    /** mimalloc 2.0.9 in secure mode, prebuilt in ../shared/natives: mi_malloc and mi_free. */
    static final class MimallocSecure extends Blocks.AddressBlocks {
        static final Natives N = Natives.loadShared(SharedNatives.MIMALLOC_SECURE, "mi_", true);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();

        MimallocSecure(int size) {
            super(size);
            N.check();
        }

        @Override
        long malloc(int byteSize) {
            try {
                return (long) MALLOC.invokeExact((long) byteSize);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        @Override
        void release(long address) {
            try {
                FREE.invokeExact(address);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    /**
     * The process's malloc and free, which {@link Contender#open} checked to be hardened_malloc's (default or light:
     * the child's LD_PRELOAD decides).
     */
    static final class Hardened extends Blocks.AddressBlocks {
        static final Natives N = Natives.processMalloc(true);
        static final MethodHandle MALLOC = N.malloc();
        static final MethodHandle FREE = N.free();

        Hardened(int size) {
            super(size);
            N.check();
        }

        @Override
        long malloc(int byteSize) {
            try {
                return (long) MALLOC.invokeExact((long) byteSize);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        @Override
        void release(long address) {
            try {
                FREE.invokeExact(address);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }
}
