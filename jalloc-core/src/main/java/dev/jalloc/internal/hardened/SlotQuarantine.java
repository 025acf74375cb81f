package dev.jalloc.internal.hardened;

import dev.jalloc.internal.heap.SizeClasses;
import dev.jalloc.internal.util.Bitmaps;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Freed slots waiting, per size class, before the engine may hand them out again: a slot comes back only after
 * {@code ring(c)} more frees of its own class (the FIFO part), at a moment nobody can predict (the random part),
 * and a stale pointer meanwhile reads zeros. Membership is a bitmap kept apart from the payloads, so a double free
 * of a waiting slot is told exactly, whatever its memory holds.
 *
 * <pre>
 *   class c   random[randomStart[c] .. + randomLength[c])   a put takes a random entry's place; that entry moves on
 *             ring[ringStart[c] .. + ringLength[c])         FIFO: head[c] is the oldest, queued[c] entries
 *   free(a) of class c --> random[c][r] (r random) --(the one it replaces)--> ring[c] --(oldest)--> back to the engine
 *                          (length 0: straight on)                            (length 0: back at once)
 *   granule g = (a - base) / 16:  bits[g] = the slot starting there waits here
 * </pre>
 * A class's two lengths are the policy's, cut so that the class holds at most its share of the policy's bytes
 * (never below one entry each): the quarantine never holds more than {@link #maxBytes()}. Not thread-safe: the
 * engine guards it.
 */
final class SlotQuarantine {
    private final long base;
    private final RandomGenerator random;
    private final int[] randomStart = new int[SizeClasses.COUNT];
    private final int[] randomLength = new int[SizeClasses.COUNT];
    private final int[] ringStart = new int[SizeClasses.COUNT];
    private final int[] ringLength = new int[SizeClasses.COUNT];
    private final int[] head = new int[SizeClasses.COUNT];
    private final int[] queued = new int[SizeClasses.COUNT];
    /** Slots waiting per class: for the statistics. */
    private final int[] held = new int[SizeClasses.COUNT];
    private final long[] randomSlots;
    private final long[] ringSlots;
    private final long maxBytes;
    private long[] bits = new long[0];
    private long bytes;
    private int count;

    /**
     * @param base         the region's first address (granules count from it)
     * @param randomLength entries of each class's random part, at most
     * @param ringLength   entries of each class's FIFO part, at most
     * @param maxBytes     the most bytes held at once, shared evenly by the classes
     */
    SlotQuarantine(long base, int randomLength, int ringLength, long maxBytes, RandomGenerator random) {
        this.base = base;
        this.random = random;
        long share = maxBytes / SizeClasses.COUNT;
        int randoms = 0;
        int rings = 0;
        long most = 0;
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            long fits = Math.max(1, share / SizeClasses.size(c) / 2);
            randomStart[c] = randoms;
            ringStart[c] = rings;
            this.randomLength[c] = (int) Math.min(randomLength, fits);
            this.ringLength[c] = (int) Math.min(ringLength, fits);
            randoms += this.randomLength[c];
            rings += this.ringLength[c];
            most += (long) (this.randomLength[c] + this.ringLength[c]) * SizeClasses.size(c);
        }
        this.randomSlots = new long[randomLength == 0 ? 0 : randoms];
        this.ringSlots = new long[ringLength == 0 ? 0 : rings];
        if (randomLength == 0) {
            Arrays.fill(this.randomLength, 0);
        }
        if (ringLength == 0) {
            Arrays.fill(this.ringLength, 0);
        }
        this.maxBytes = randomLength == 0 && ringLength == 0 ? 0 : most;
    }

    /** {@return whether it holds nothing and never will} */
    boolean isDisabled() {
        return maxBytes == 0;
    }

    /** {@return the most bytes it can hold: each class's lengths times its size, summed} */
    long maxBytes() {
        return maxBytes;
    }

    /** {@return whether the slot at {@code address} (in the region) waits here} */
    boolean contains(long address) {
        long g = (address - base) >>> 4;
        return g < (long) bits.length << 6 && Bitmaps.get(bits, g);
    }

    /** {@return the slots held} */
    int count() {
        return count;
    }

    /** {@return the slots of class {@code c} held} */
    int count(int c) {
        return held[c];
    }

    /** {@return the bytes of the slots held} */
    long bytes() {
        return bytes;
    }

    /**
     * Takes the freed slot at {@code address} of class {@code c}. {@return the slot of that class that leaves to make
     * room, for the engine to take back; 0 if none}
     */
    long put(int c, long address) {
        long g = (address - base) >>> 4;
        if (g >= (long) bits.length << 6) {
            bits = Arrays.copyOf(bits, (int) Math.max((g >>> 6) + 1, bits.length + (bits.length >> 1)));
        }
        Bitmaps.set(bits, g);
        held[c]++;
        count++;
        bytes += SizeClasses.size(c);
        long moving = address;
        int n = randomLength[c];
        if (n > 0) {
            int r = randomStart[c] + random.nextInt(n);
            moving = randomSlots[r];
            randomSlots[r] = address;
            if (moving == 0) {
                return 0;   // a free entry taken
            }
        }
        int q = ringLength[c];
        if (q == 0) {
            return leave(c, moving);
        }
        int k = queued[c];
        if (k < q) {
            ringSlots[ringStart[c] + (head[c] + k) % q] = moving;
            queued[c] = k + 1;
            return 0;
        }
        int at = ringStart[c] + head[c];
        long oldest = ringSlots[at];
        ringSlots[at] = moving;
        head[c] = head[c] + 1 == q ? 0 : head[c] + 1;
        return leave(c, oldest);
    }

    private long leave(int c, long address) {
        Bitmaps.clear(bits, (address - base) >>> 4);
        held[c]--;
        count--;
        bytes -= SizeClasses.size(c);
        return address;
    }

    /** Calls {@code visitor} with every slot held and its size; they stay. */
    void forEach(Quarantine.Release visitor) {
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            for (int i = 0; i < randomLength[c]; i++) {
                long a = randomSlots[randomStart[c] + i];
                if (a != 0) {
                    visitor.release(a, SizeClasses.size(c));
                }
            }
            for (int i = 0; i < queued[c]; i++) {
                visitor.release(ringSlots[ringStart[c] + (head[c] + i) % ringLength[c]], SizeClasses.size(c));
            }
        }
    }
}
