package dev.jalloc.jcstress;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.jalloc.heap.Heap;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Publishing a filled block: the writer allocates a zeroed block of a shared heap, writes the state's stamp into
 * its first and last words, and publishes it; the reader takes what was published and reads both words. The heap
 * adds no ordering of its own to the payload's bytes (they are plain memory, like a field), so what the reader may
 * see is what the Java Memory Model allows for the publication: with a volatile or release/acquire publication,
 * seeing the block implies seeing both stamped words; with a plain one, the block may be seen before its
 * contents. The shared heap's part is that the segment and the memory are usable from the reader's thread.
 *
 * <p>Results: {@code r1} 1 if the reader saw the block, 0 if it ran first; {@code r2} how many of the two words
 * held the stamp (0 when it did not see the block). A stale word reads zero (the zeroing) or an older stamp (the
 * slot's previous use): the stamp is unique to the state.
 */
public final class PublicationTest {
    private static final long BYTES = 64;
    private static final AtomicLong STAMPS = new AtomicLong();

    private PublicationTest() {
    }

    private static long nextStamp() {
        return STAMPS.incrementAndGet();
    }

    private static void fill(MemorySegment block, long stamp) {
        block.set(JAVA_LONG, 0, stamp);
        block.set(JAVA_LONG, BYTES - 8, stamp);
    }

    private static void read(MemorySegment block, long stamp, II_Result r) {
        r.r1 = 1;
        r.r2 = (block.get(JAVA_LONG, BYTES - 8) == stamp ? 1 : 0) + (block.get(JAVA_LONG, 0) == stamp ? 1 : 0);
    }

    /** The segment from {@code allocate} published through a volatile field. */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader ran before the publication.")
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The reader saw the block and both stamped words.")
    @Outcome(id = "1, [01]", expect = FORBIDDEN,
            desc = "The reader saw the block but a stale word: the volatile write and read order the contents.")
    @State
    public static class VolatileSegment {
        static final Heap HEAP = Heap.ofShared();
        final long stamp = nextStamp();
        volatile MemorySegment published;

        @Actor
        public void writer() {
            MemorySegment block = HEAP.allocate(BYTES, Blocks.ALIGN);
            fill(block, stamp);
            published = block;
        }

        @Actor
        public void reader(II_Result r) {
            MemorySegment block = published;
            if (block != null) {
                read(block, stamp, r);
            }
        }

        @Arbiter
        public void arbiter(II_Result r) {
            HEAP.free(published);
        }
    }

    /**
     * The raw address from {@code allocateAddress} published with a release store and read with an acquire load;
     * the reader makes its own segment over it (as native code handed an address would).
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader ran before the publication.")
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The reader saw the address and both stamped words.")
    @Outcome(id = "1, [01]", expect = FORBIDDEN,
            desc = "The reader saw the address but a stale word: release/acquire orders the contents.")
    @State
    public static class ReleaseAddress {
        static final Heap HEAP = Heap.ofShared();
        private static final VarHandle PUBLISHED;

        static {
            try {
                PUBLISHED = MethodHandles.lookup().findVarHandle(ReleaseAddress.class, "published", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long stamp = nextStamp();
        long published;

        @Actor
        public void writer() {
            long address = HEAP.allocateAddress(BYTES, Blocks.ALIGN);
            fill(view(address), stamp);
            PUBLISHED.setRelease(this, address);
        }

        @Actor
        public void reader(II_Result r) {
            long address = (long) PUBLISHED.getAcquire(this);
            if (address != 0) {
                read(view(address), stamp, r);
            }
        }

        @Arbiter
        public void arbiter(II_Result r) {
            HEAP.free(published);
        }

        /** {@return a segment over the block at {@code address}, as code handed only the address makes one} */
        @SuppressWarnings("restricted") // the address is a live block of HEAP, which stays mapped for the JVM's life
        private static MemorySegment view(long address) {
            return MemorySegment.ofAddress(address).reinterpret(BYTES);
        }
    }

    /**
     * The segment published through a plain field: nothing orders the stamp's stores before the publication, so
     * the reader may see the block with stale contents. (The segment object itself is safe to share racily: its
     * fields are final.)
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader ran before the publication.")
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The reader saw the block and both stamped words.")
    @Outcome(id = "1, [01]", expect = ACCEPTABLE_INTERESTING,
            desc = "The reader saw the block before (some of) its contents: allowed by a plain publication.")
    @State
    public static class PlainSegment {
        static final Heap HEAP = Heap.ofShared();
        final long stamp = nextStamp();
        MemorySegment published;

        @Actor
        public void writer() {
            MemorySegment block = HEAP.allocate(BYTES, Blocks.ALIGN);
            fill(block, stamp);
            published = block;
        }

        @Actor
        public void reader(II_Result r) {
            MemorySegment block = published;
            if (block != null) {
                read(block, stamp, r);
            }
        }

        @Arbiter
        public void arbiter(II_Result r) {
            HEAP.free(published);
        }
    }
}
