package dev.jalloc.bench.mt;

import dev.jalloc.bench.SharedNatives;
import dev.jalloc.heap.Heap;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntFunction;

/**
 * An allocator and the kind of thread that drives it: the {@code --contender} values. Opened once per child JVM.
 *
 * <pre>
 *   contender            blocks                                                    threads
 *   jallocShared         Heap.ofShared(): allocateAddressNoInit(size, 16), free    platform
 *   jallocSharedVirtual  the same heap type                                       virtual (default scheduler)
 *   glibcCritical        malloc, free (glibc), critical downcalls                  platform
 *   jemallocCritical     malloc, free of libjemalloc.so.2 (Debian libjemalloc2)    platform
 *   mimallocCritical     mi_malloc, mi_free of libmimalloc.so.2 (libmimalloc2.0)   platform
 *   mimallocSecureCritical  the same of ../shared/natives/libmimalloc-secure.so    platform
 *   hardenedCritical     malloc, free of the process: the child runs with           platform
 *                        LD_PRELOAD=../shared/natives/libhardened_malloc.so
 *   hardenedLightCritical  the same, libhardened_malloc-light.so                   platform
 *   nettyPooled          PooledByteBufAllocator.DEFAULT.directBuffer(size), release()  platform
 *   nettyAdaptive        new AdaptiveByteBufAllocator(true, true): the same calls  platform
 *   arenaShared          Arena.ofShared().allocate(size, 16) per block, close()    platform
 * </pre>
 *
 * <p>The hardened anchors ({@link SharedNatives}: mimalloc in secure mode, hardened_malloc default and light) are
 * prebuilt in {@code ../shared/natives}, which a clone does not have: {@link #missingLibrary} lets the parent skip
 * them without starting a child. hardened_malloc must be the whole process's malloc: the parent starts their
 * children with {@code LD_PRELOAD} ({@link #preload}), and {@link #open} checks that the child's malloc is the
 * right one.
 *
 * <p>Netty runs at its best, as on its event loops: the child sets
 * {@code io.netty.allocator.useCacheForAllThreads=true} (4.2's default, false, leaves threads that are not event
 * loops without a thread cache) and turns leak detection off. A block of Netty or of an arena is touched and
 * written through its raw address, as every other block. {@code Arena.allocate} zeroes what it hands out (it
 * cannot be told not to) and its {@code close()} of a shared arena synchronizes with every thread: both are its
 * cost, measured, and why it runs only where blocks are handed between threads ({@link Workload#skipReason}).
 * Virtual threads run on the default scheduler (as many carriers as cores): where a benchmark's threads never
 * block (larson, cache-*, mstress), at most that many of them run at once.
 */
final class Contender implements AutoCloseable {
    /** Every contender, in table order. */
    static final List<String> NAMES = List.of("jallocShared", "jallocSharedVirtual", "glibcCritical",
            "jemallocCritical", "mimallocCritical", "mimallocSecureCritical", "hardenedCritical", "hardenedLightCritical",
            "nettyPooled", "nettyAdaptive", "arenaShared");

    final String name;
    private final ThreadFactory threads;
    private final IntFunction<Blocks> blocks;
    private final Heap heap;

    private Contender(String name, boolean virtual, IntFunction<Blocks> blocks, Heap heap) {
        this.name = name;
        this.threads = virtual ? Thread.ofVirtual().name(name + "-", 0).factory()
                : Thread.ofPlatform().name(name + "-", 0).factory();
        this.blocks = blocks;
        this.heap = heap;
    }

    /**
     * {@return the contender named {@code name}, ready}
     *
     * @throws IllegalArgumentException if there is none of that name
     * @throws IllegalStateException    if its library cannot be loaded (the message says why)
     */
    static Contender open(String name) {
        Contender contender = switch (name) {
            case "jallocShared", "jallocSharedVirtual" -> {
                Heap heap = Heap.ofShared();
                yield new Contender(name, name.endsWith("Virtual"), size -> new Jalloc(heap, size), heap);
            }
            case "glibcCritical" -> new Contender(name, false, NativeBlocks.Glibc::new, null);
            case "jemallocCritical" -> new Contender(name, false, NativeBlocks.Jemalloc::new, null);
            case "mimallocCritical" -> new Contender(name, false, NativeBlocks.Mimalloc::new, null);
            case "mimallocSecureCritical" -> new Contender(name, false, NativeBlocks.MimallocSecure::new, null);
            case "hardenedCritical", "hardenedLightCritical" -> {
                String problem = SharedNatives.notPreloaded(preload(name), "./jalloc mtbench starts this contender's "
                        + "child JVMs so");
                if (problem != null) {
                    throw new IllegalStateException("contender unavailable, skipped: " + problem);
                }
                yield new Contender(name, false, NativeBlocks.Hardened::new, null);
            }
            case "nettyPooled" -> {
                ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
                yield new Contender(name, false, size -> new Netty(allocator, size), null);
            }
            case "nettyAdaptive" -> {
                ByteBufAllocator allocator = new AdaptiveByteBufAllocator(true, true);
                yield new Contender(name, false, size -> new Netty(allocator, size), null);
            }
            case "arenaShared" -> new Contender(name, false, Arenas::new, null);
            default -> throw new IllegalArgumentException("contender: " + name + " (expected one of: "
                    + String.join(", ", NAMES) + ")");
        };
        // One block allocated and freed on the main thread, untimed and alike for all: loads the library (a
        // missing one is reported before the run starts) and initializes the allocator (Netty's class
        // initialization alone takes hundreds of milliseconds).
        Blocks first = contender.blocks(1);
        first.allocate(0, 64);
        first.free(0);
        return contender;
    }

    /**
     * {@return the file of {@link SharedNatives#directory()} that must be the malloc of contender {@code name}'s
     * child JVM, given with {@code LD_PRELOAD}, or null if it needs none}
     */
    static String preload(String name) {
        return switch (name) {
            case "hardenedCritical" -> SharedNatives.HARDENED;
            case "hardenedLightCritical" -> SharedNatives.HARDENED_LIGHT;
            default -> null;
        };
    }

    /**
     * {@return null, or why contender {@code name} cannot run, as the parent sees it without starting a child: its
     * prebuilt library is missing}
     */
    static String missingLibrary(String name) {
        String file = name.equals("mimallocSecureCritical") ? SharedNatives.MIMALLOC_SECURE : preload(name);
        return file == null ? null : SharedNatives.missing(file);
    }

    /** {@return {@code size} empty slots of this contender} */
    Blocks blocks(int size) {
        return blocks.apply(size);
    }

    /** {@return the factory of the threads that run the workload: platform, or virtual} */
    ThreadFactory threads() {
        return threads;
    }

    /** {@return jalloc's committed bytes now, or -1 for the other contenders} */
    long committedBytes() {
        return heap == null ? -1 : heap.committedBytes();
    }

    @Override
    public void close() {
        if (heap != null) {
            heap.close();
        }
    }

    // ---- the blocks of jalloc, Netty and the JDK's arenas (the native mallocs: NativeBlocks) ----

    private static final class Jalloc extends Blocks.AddressBlocks {
        private final Heap heap;

        Jalloc(Heap heap, int size) {
            super(size);
            this.heap = heap;
        }

        @Override
        long malloc(int byteSize) {
            return heap.allocateAddressNoInit(byteSize, 16);
        }

        @Override
        void release(long address) {
            heap.free(address);
        }
    }

    private static final class Netty extends Blocks.ObjectBlocks<ByteBuf> {
        private final ByteBufAllocator allocator;

        Netty(ByteBufAllocator allocator, int size) {
            super(size);
            this.allocator = allocator;
        }

        @Override
        ByteBuf make(int byteSize) {
            return allocator.directBuffer(byteSize);
        }

        @Override
        void release(ByteBuf block) {
            block.release();
        }

        @Override
        long addressOf(ByteBuf block) {
            if (block.hasMemoryAddress()) {
                return block.memoryAddress();
            }
            // Netty without sun.misc.Unsafe: the address of the buffer's region of its chunk.
            return MemorySegment.ofBuffer(block.internalNioBuffer(0, block.capacity())).address();
        }
    }

    /** One shared arena per block; the block is the arena and the address of its one segment. */
    private record ArenaBlock(Arena arena, long address) {
    }

    private static final class Arenas extends Blocks.ObjectBlocks<ArenaBlock> {
        Arenas(int size) {
            super(size);
        }

        @Override
        ArenaBlock make(int byteSize) {
            Arena arena = Arena.ofShared();
            return new ArenaBlock(arena, arena.allocate(byteSize, 16).address());
        }

        @Override
        void release(ArenaBlock block) {
            block.arena().close();
        }

        @Override
        long addressOf(ArenaBlock block) {
            return block.address();
        }
    }
}
