package dev.jalloc.cli.replay;

/**
 * A parsed malloc-lab trace: its header and its ops, in order, as parallel arrays (no object per op, so a
 * replay loop reads three arrays). Made only by {@link TraceParser}, which has already checked that every op
 * is legal: a free or realloc names a live id, an alloc a free one.
 *
 * <pre>
 *   op i:  kind(i)   id(i)   byteSize(i)        line(i)
 *          ALLOC     3       512                 the trace file's line of op i (for messages)
 *          FREE      3       -1
 *          REALLOC   3       1024
 * </pre>
 */
public final class Trace {
    /** {@code a ID BYTES}: allocate a block of BYTES bytes for ID. */
    public static final byte ALLOC = 0;
    /** {@code f ID}: free ID's block. */
    public static final byte FREE = 1;
    /** {@code r ID BYTES}: resize ID's block to BYTES bytes, keeping its first min(old, new) bytes. */
    public static final byte REALLOC = 2;

    /** The largest size an op may ask for, 1 GiB: a replay holds a pattern buffer this large (see package doc). */
    public static final int MAX_BYTE_SIZE = 1 << 30;

    private final String name;
    private final String source;
    private final long suggestedHeapSize;
    private final int idCount;
    private final long weight;
    private final byte[] kinds;
    private final int[] ids;
    private final int[] byteSizes;
    private final int[] lines;
    private final int maxId;
    private final int maxByteSize;

    Trace(String name, String source, long suggestedHeapSize, int idCount, long weight, byte[] kinds, int[] ids,
          int[] byteSizes, int[] lines) {
        this.name = name;
        this.source = source;
        this.suggestedHeapSize = suggestedHeapSize;
        this.idCount = idCount;
        this.weight = weight;
        this.kinds = kinds;
        this.ids = ids;
        this.byteSizes = byteSizes;
        this.lines = lines;
        int maxIdSeen = -1;
        int maxSize = 0;
        for (int i = 0; i < kinds.length; i++) {
            maxIdSeen = Math.max(maxIdSeen, ids[i]);
            maxSize = Math.max(maxSize, byteSizes[i]);
        }
        this.maxId = maxIdSeen;
        this.maxByteSize = maxSize;
    }

    /** {@return the file's name without its directory: the {@code trace} column} */
    public String name() {
        return name;
    }

    /** {@return the path as the user gave it: the file in error messages} */
    public String source() {
        return source;
    }

    /** {@return header line 1, the heap size the trace's author suggested; replay ignores it} */
    public long suggestedHeapSize() {
        return suggestedHeapSize;
    }

    /** {@return header line 2: every id is in [0, idCount)} */
    public int idCount() {
        return idCount;
    }

    /** {@return header line 4, the trace's weight in malloc-lab's score; replay ignores it} */
    public long weight() {
        return weight;
    }

    /** {@return the number of ops (header line 3, checked against the ops the file holds)} */
    public int opCount() {
        return kinds.length;
    }

    /** {@return {@link #ALLOC}, {@link #FREE} or {@link #REALLOC}} */
    public byte kind(int op) {
        return kinds[op];
    }

    /** {@return the id op {@code op} names} */
    public int id(int op) {
        return ids[op];
    }

    /** {@return the size op {@code op} asks for, or -1 for a free} */
    public int byteSize(int op) {
        return byteSizes[op];
    }

    /** {@return the trace file's line of op {@code op}, counting from 1} */
    public int line(int op) {
        return lines[op];
    }

    /** {@return the largest id any op names, or -1 for a trace with no ops} */
    public int maxId() {
        return maxId;
    }

    /** {@return the largest size any op asks for} */
    public int maxByteSize() {
        return maxByteSize;
    }

    /** {@return {@code file:line} of op {@code op}, the prefix of every message about it} */
    public String where(int op) {
        return source + ":" + lines[op];
    }

    @Override
    public String toString() {
        return "Trace[" + source + ": " + kinds.length + " ops, " + idCount + " ids]";
    }
}
