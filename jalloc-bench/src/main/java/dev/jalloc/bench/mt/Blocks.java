package dev.jalloc.bench.mt;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed number of slots, each empty or holding one block of one contender: what every workload allocates
 * into, frees from and hands between threads. A child JVM runs one contender, so only one subclass is loaded
 * and every call below is monomorphic (the JIT inlines it as a direct call).
 *
 * <pre>
 *   slot:     0        1        2        3
 *           +--------+--------+--------+--------+
 *           | block  | empty  | block  | block  |   AddressBlocks: long[] of addresses (0 = empty)
 *           +--------+--------+--------+--------+   ObjectBlocks:  Object[] of ByteBuf / arena (null = empty)
 *               |                  |
 *               v                  v
 *           [f.....l]          [f..l]               f, l: first and last byte, written on allocate
 * </pre>
 *
 * <p>Plain accesses, except {@link #exchange}: a slot is used by one thread at a time, and a block moved to
 * another thread's slots is published by what hands it over (a queue, a thread start or join). Blocks of the
 * same contender only: {@link #moveTo} and {@link #exchange} cast their argument.
 */
abstract class Blocks {
    /** All of memory, for the raw accesses to blocks; the child runs with native access enabled. */
    @SuppressWarnings("restricted")
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /** Opaque byte stores: each one is done, none merged or hoisted out of a loop, as C's volatile char. */
    private static final VarHandle BYTE = JAVA_BYTE.varHandle();

    /** {@return the number of slots} */
    abstract int size();

    /** Allocates {@code byteSize} bytes (16-aligned) into the empty {@code slot} and writes its first and last byte. */
    abstract void allocate(int slot, int byteSize);

    /** Frees the block in {@code slot}, which must hold one; the slot becomes empty. */
    abstract void free(int slot);

    /** {@return whether {@code slot} holds no block} */
    abstract boolean isEmpty(int slot);

    /** {@return the address of the first byte of the block in {@code slot}} */
    abstract long address(int slot);

    /** Moves the block in {@code slot} into the empty {@code dstSlot} of {@code dst}; {@code slot} becomes empty. */
    abstract void moveTo(int slot, Blocks dst, int dstSlot);

    /**
     * Swaps the contents of {@code slot} (this thread's) with {@code shared}'s {@code sharedSlot}, atomically on the
     * shared side (a volatile get-and-set): several threads may exchange with one shared slot at once.
     */
    abstract void exchange(int slot, Blocks shared, int sharedSlot);

    /** Frees every block left; for the untimed end of a run. */
    final void freeAll() {
        for (int slot = 0; slot < size(); slot++) {
            if (!isEmpty(slot)) {
                free(slot);
            }
        }
    }

    /** Writes the first and last byte of the {@code byteSize} bytes at {@code address}. */
    static void touch(long address, int byteSize) {
        ALL.set(JAVA_BYTE, address, (byte) 1);
        ALL.set(JAVA_BYTE, address + byteSize - 1, (byte) 2);
    }

    /** Stores {@code value} at {@code address}, opaque. */
    static void putByteOpaque(long address, byte value) {
        BYTE.setOpaque(ALL, address, value);
    }

    static void putLong(long address, long value) {
        ALL.set(JAVA_LONG, address, value);
    }

    static long getLong(long address) {
        return ALL.get(JAVA_LONG, address);
    }

    /** Contenders whose blocks are raw addresses: jalloc and the native mallocs. */
    abstract static class AddressBlocks extends Blocks {
        private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
        final long[] slots;

        AddressBlocks(int size) {
            slots = new long[size];
        }

        /** {@return the address of {@code byteSize} new bytes aligned to 16} */
        abstract long malloc(int byteSize);

        abstract void release(long address);

        @Override
        final int size() {
            return slots.length;
        }

        @Override
        final void allocate(int slot, int byteSize) {
            long address = malloc(byteSize);
            if (address == 0) {
                throw new OutOfMemoryError(getClass().getSimpleName() + ": no block of " + byteSize + " bytes");
            }
            touch(address, byteSize);
            slots[slot] = address;
        }

        @Override
        final void free(int slot) {
            release(slots[slot]);
            slots[slot] = 0;
        }

        @Override
        final boolean isEmpty(int slot) {
            return slots[slot] == 0;
        }

        @Override
        final long address(int slot) {
            return slots[slot];
        }

        @Override
        final void moveTo(int slot, Blocks dst, int dstSlot) {
            ((AddressBlocks) dst).slots[dstSlot] = slots[slot];
            slots[slot] = 0;
        }

        @Override
        final void exchange(int slot, Blocks shared, int sharedSlot) {
            slots[slot] = (long) SLOTS.getAndSet(((AddressBlocks) shared).slots, sharedSlot, slots[slot]);
        }
    }

    /** Contenders whose blocks are objects: Netty's buffers, JDK arenas. */
    abstract static class ObjectBlocks<B> extends Blocks {
        private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
        final Object[] slots;

        ObjectBlocks(int size) {
            slots = new Object[size];
        }

        /** {@return a new block of {@code byteSize} bytes} */
        abstract B make(int byteSize);

        abstract void release(B block);

        abstract long addressOf(B block);

        @Override
        final int size() {
            return slots.length;
        }

        @Override
        final void allocate(int slot, int byteSize) {
            B block = make(byteSize);
            touch(addressOf(block), byteSize);
            slots[slot] = block;
        }

        @Override
        @SuppressWarnings("unchecked")
        final void free(int slot) {
            release((B) slots[slot]);
            slots[slot] = null;
        }

        @Override
        final boolean isEmpty(int slot) {
            return slots[slot] == null;
        }

        @Override
        @SuppressWarnings("unchecked")
        final long address(int slot) {
            return addressOf((B) slots[slot]);
        }

        @Override
        final void moveTo(int slot, Blocks dst, int dstSlot) {
            ((ObjectBlocks<?>) dst).slots[dstSlot] = slots[slot];
            slots[slot] = null;
        }

        @Override
        final void exchange(int slot, Blocks shared, int sharedSlot) {
            slots[slot] = SLOTS.getAndSet(((ObjectBlocks<?>) shared).slots, sharedSlot, slots[slot]);
        }
    }
}
