package dev.jalloc.examples.sqlite;

import dev.jalloc.arena.Scratch;
import dev.jalloc.arena.Temp;
import java.lang.foreign.Arena;
import java.lang.foreign.SegmentAllocator;

/**
 * Where the temporaries of a call come from: the C strings of SQL, file names and bound text, bound blob bytes,
 * and the out-pointers that SQLite writes a connection or statement handle into. A temporary lives from the
 * {@link #begin()} to the {@link #end} of one binding call and no longer: SQLite never keeps a pointer to one
 * (bound text and blobs are copied, see {@link Statement#bindText}).
 *
 * <p>The choice is made once, when a {@link Database} is opened, so a program (or a benchmark) compares the
 * allocators on exactly the same code path:
 * {@snippet :
 * try (Database db = Database.open(":memory:", Temporaries.SCRATCH)) {   // the default
 *     db.exec("CREATE TABLE t (x)");
 * }
 * }
 * <p>Every call that needs temporaries does, in the binding:
 * {@snippet :
 * SegmentAllocator frame = temporaries.begin();
 * try {
 *     long sql = temporaries.putUtf8(frame, text, NativeMemory.utf8Length(text));   // a push on the frame
 *     // ... the downcall ...
 * } finally {
 *     temporaries.end(frame);
 * }
 * }
 */
public enum Temporaries {
    /**
     * A jalloc {@link Temp} on the calling thread's {@link Scratch} arena: a push is a bump of the arena's
     * position, the end of the call moves it back, and the memory stays committed for the next call. No
     * system call and no Java object beyond the temp (which the JIT removes when the call is inlined): the binding
     * takes raw addresses from the temp ({@link Temp#allocateAddressNoInit}).
     */
    SCRATCH {
        @Override
        public SegmentAllocator begin() {
            return Scratch.begin();
        }

        @Override
        public void end(SegmentAllocator frame) {
            ((Temp) frame).close();
        }

        @Override
        long allocate(SegmentAllocator frame, long byteSize) {
            return ((Temp) frame).allocateAddressNoInit(byteSize, Long.BYTES);
        }
    },
    /**
     * The JDK idiom: a new {@link Arena#ofConfined()} per call, closed at its end. Each allocation is a
     * {@code malloc} and each close a {@code free} per allocation plus the arena's session bookkeeping. The
     * baseline the scratch temps are measured against.
     */
    CONFINED_ARENA_PER_CALL {
        @Override
        public SegmentAllocator begin() {
            return Arena.ofConfined();
        }

        @Override
        public void end(SegmentAllocator frame) {
            ((Arena) frame).close();
        }

        @Override
        long allocate(SegmentAllocator frame, long byteSize) {
            return ((Arena) frame).allocate(byteSize, Long.BYTES).address();
        }
    };

    /**
     * {@return an allocator for the temporaries of one call}; pass it to {@link #end} when the call is done,
     * on the same thread.
     *
     * @throws IllegalStateException if this thread's scratch arenas are both in use (scratch temps only)
     */
    public abstract SegmentAllocator begin();

    /**
     * Takes back every temporary of {@code frame}.
     *
     * @param frame what {@link #begin()} returned, on this thread; calls nest, innermost first
     * @throws IllegalStateException if {@code frame} was already ended, or (scratch) is not the innermost one
     */
    public abstract void end(SegmentAllocator frame);

    /**
     * {@return the address of {@code byteSize} bytes of {@code frame}, 8-byte aligned, with undefined contents}
     * The binding works with the address, not a segment: see {@code Sqlite} for why.
     *
     * @param frame    what {@link #begin()} returned, not yet ended
     * @param byteSize the number of bytes
     */
    abstract long allocate(SegmentAllocator frame, long byteSize);

    /**
     * {@return the address of {@code text} written in {@code frame} as a NUL-terminated UTF-8 C string}
     *
     * @param frame      what {@link #begin()} returned, not yet ended
     * @param text       the text
     * @param utf8Length its length in UTF-8, {@link NativeMemory#utf8Length}
     */
    final long putUtf8(SegmentAllocator frame, String text, long utf8Length) {
        long address = allocate(frame, utf8Length + 1);
        NativeMemory.putUtf8(address, text, utf8Length);
        return address;
    }
}
