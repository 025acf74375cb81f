package dev.jalloc.cli.replay;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The checked pass: replays a trace once, proving the allocator kept every promise, and measures the peaks.
 *
 * <p>Every block gets the bytes of a random pattern from a position chosen by its alloc (its "shift"), so
 * byte {@code k} of a payload is {@code pattern[shift + k]}: two blocks, or one block and the allocator's own
 * metadata, cannot hold each other's bytes unnoticed. Writes and checks are bulk copies and compares
 * ({@code MemorySegment.copy}, {@code MemorySegment.mismatch}).
 * <pre>
 *   pattern   |r a n d o m   b y t e s ..........................................|  maxByteSize + PERIOD bytes
 *                  ^ shift(block A)        ^ shift(block B)
 *   block A   = pattern[shiftA, shiftA + sizeA)
 *   realloc   = the first min(old, new) bytes must still be pattern[shiftA, ...); the rest is written from there
 * </pre>
 * Checked at each op, failing with a {@link ReplayException} naming the trace line:
 * <ul>
 *   <li>alloc and realloc: the allocator returned a block (not NULL), aligned to its
 *       {@link ReplayAllocator#byteAlignment()} or, for a smaller request, to the largest power of two not
 *       above the request (as C allows: jemalloc aligns an 8-byte block to 8), overlapping no other live
 *       block;</li>
 *   <li>free and realloc: every byte of the payload is still what was written (before the call);</li>
 *   <li>realloc: the new block starts with the old block's first min(old, new) bytes;</li>
 *   <li>at the end: every block still live is intact (then it is freed).</li>
 * </ul>
 * After the ops {@link SamplePoints} names (every op of a trace up to 100,000 ops) it samples
 * {@link ReplayAllocator#committedBytes()} and this process's anonymous resident memory ({@link ResidentMemory});
 * the peak footprint is the largest sample, or the allocator's own {@link ReplayAllocator#peakCommittedBytes()}
 * if that is larger, and the peak resident growth the largest sample above the reading taken just before the
 * first op (after {@link ReplayAllocator#markFootprintBaseline()}, and after the pattern and every array of this
 * pass were allocated and written).
 */
final class CheckedPass {
    /**
     * The outcome of a pass that found nothing wrong.
     *
     * @param liveBytes the peak live bytes
     * @param footprintBytes the peak footprint, as the allocator counts it (-1 for the noise pass, which has no
     *        allocator, and for an allocator that counts nothing: {@link ReplayAllocator#countsFootprint()})
     * @param residentBytes the peak growth of anonymous resident memory (-1 where it cannot be read)
     */
    record Peaks(long liveBytes, long footprintBytes, long residentBytes) {
    }

    /** Shifts are in [0, PERIOD): a prime, so that shifts of consecutive blocks do not line up with sizes. */
    static final int PERIOD = 4093;
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final Trace trace;
    private final String allocatorName;
    private final ReplayAllocator allocator;
    private final ResidentMemory resident;
    private final SamplePoints points;
    private final MemorySegment pattern;
    private final long[] addresses;
    private final int[] byteSizes;
    private final int[] shifts;
    private final int[] allocLines;
    private final TreeMap<Long, Integer> liveByAddress = new TreeMap<>();
    private long serial;

    private CheckedPass(Trace trace, String allocatorName, ReplayAllocator allocator, ResidentMemory resident,
                        MemorySegment pattern) {
        this.trace = trace;
        this.allocatorName = allocatorName;
        this.allocator = allocator;
        this.resident = resident;
        this.points = SamplePoints.of(trace);
        this.pattern = pattern;
        int ids = trace.maxId() + 1;
        addresses = new long[ids];
        byteSizes = new int[ids];
        shifts = new int[ids];
        allocLines = new int[ids];
    }

    /**
     * {@return the peaks of a replay of {@code trace} on {@code allocator}, the resident memory read from
     * {@code resident}}
     *
     * @throws ReplayException at the first broken promise
     */
    static Peaks run(Trace trace, String allocatorName, ReplayAllocator allocator, ResidentMemory resident) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pattern = arena.allocate(trace.maxByteSize() + (long) PERIOD, 8);
            SplittableRandom random = new SplittableRandom(0x5EED_CAFEL);
            for (long i = 0; i + 8 <= pattern.byteSize(); i += 8) {
                pattern.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
            }
            return new CheckedPass(trace, allocatorName, allocator, resident, pattern).replay();
        }
    }

    private Peaks replay() {
        long live = 0;
        long peakLive = 0;
        long peakFootprint = 0;
        allocator.markFootprintBaseline();
        resident.markBaseline();
        for (int op = 0; op < trace.opCount(); op++) {
            int id = trace.id(op);
            int byteSize = trace.byteSize(op);
            switch (trace.kind(op)) {
                case Trace.ALLOC -> {
                    long address = allocator.allocate(Math.max(byteSize, 1));
                    place(op, id, address, byteSize, "an alloc");
                    shifts[id] = shift(serial++);
                    allocLines[id] = trace.line(op);
                    write(id, 0);
                    live += byteSize;
                }
                case Trace.FREE -> {
                    verify(op, id, byteSizes[id], "its free");
                    liveByAddress.remove(addresses[id]);
                    allocator.free(addresses[id]);
                    live -= byteSizes[id];
                    addresses[id] = 0;
                }
                case Trace.REALLOC -> {
                    int oldSize = byteSizes[id];
                    long oldAddress = addresses[id];
                    verify(op, id, oldSize, "its realloc");
                    long address = allocator.reallocate(oldAddress, Math.max(byteSize, 1));
                    if (address == 0) {
                        throw refused(op, "a realloc", id, byteSize);
                    }
                    liveByAddress.remove(oldAddress);
                    place(op, id, address, byteSize, "a realloc");
                    int kept = Math.min(oldSize, byteSize);
                    long mismatch = mismatch(address, shifts[id], kept);
                    if (mismatch >= 0) {
                        throw new ReplayException(trace.where(op) + ": " + allocatorName + ": realloc of id " + id
                                + " from " + oldSize + " to " + byteSize + " bytes (" + hex(oldAddress) + " -> "
                                + hex(address) + ") did not keep the first " + kept + " bytes: "
                                + byteAt(id, mismatch));
                    }
                    write(id, kept);
                    live += byteSize - oldSize;
                }
                default -> throw new AssertionError(trace.kind(op));
            }
            peakLive = Math.max(peakLive, live);
            if (points.isSampledAfter(op)) {
                resident.sample();
                peakFootprint = Math.max(peakFootprint, allocator.committedBytes());
            }
        }
        peakFootprint = Math.max(peakFootprint, allocator.peakCommittedBytes());
        for (Map.Entry<Long, Integer> block : liveByAddress.entrySet()) { // still live at the end: check, free
            int id = block.getValue();
            verify(-1, id, byteSizes[id], "the end of the trace");
            allocator.free(block.getKey());
        }
        liveByAddress.clear();
        return new Peaks(peakLive, allocator.countsFootprint() ? peakFootprint : -1, resident.peakGrowthBytes());
    }

    /** Checks that a new block is real, aligned and apart from every live block, then records it. */
    private void place(int op, int id, long address, int byteSize, String what) {
        if (address == 0) {
            throw refused(op, what, id, byteSize);
        }
        long extent = Math.max(byteSize, 1);
        long alignment = Math.min(allocator.byteAlignment(), Long.highestOneBit(extent));
        if ((address & (alignment - 1)) != 0) {
            throw new ReplayException(trace.where(op) + ": " + allocatorName + ": the block of id " + id + " ("
                    + byteSize + " bytes) at " + hex(address) + " is not aligned to " + alignment + " bytes");
        }
        Map.Entry<Long, Integer> below = liveByAddress.floorEntry(address);
        Map.Entry<Long, Integer> above = liveByAddress.ceilingEntry(address);
        Map.Entry<Long, Integer> hit =
                below != null && below.getKey() + Math.max(byteSizes[below.getValue()], 1) > address ? below
                : above != null && above.getKey() < address + extent ? above
                : null;
        if (hit != null) {
            int other = hit.getValue();
            throw new ReplayException(trace.where(op) + ": " + allocatorName + ": the block of id " + id + " "
                    + range(address, extent) + " overlaps the live block of id " + other + " "
                    + range(hit.getKey(), Math.max(byteSizes[other], 1)) + " (allocated at line " + allocLines[other]
                    + ")");
        }
        liveByAddress.put(address, id);
        addresses[id] = address;
        byteSizes[id] = byteSize;
    }

    /** Checks that the first {@code byteSize} bytes of id's block are its pattern. */
    private void verify(int op, int id, int byteSize, String before) {
        long mismatch = mismatch(addresses[id], shifts[id], byteSize);
        if (mismatch >= 0) {
            String where = op < 0 ? trace.source() + ": at the end" : trace.where(op);
            throw new ReplayException(where + ": " + allocatorName + ": the payload of id " + id + " ("
                    + byteSizes[id] + " bytes at " + hex(addresses[id]) + ", allocated at line " + allocLines[id]
                    + ") changed before " + before + ": " + byteAt(id, mismatch));
        }
    }

    /** Writes id's pattern over bytes [from, size) of its block. */
    private void write(int id, int from) {
        MemorySegment.copy(pattern, shifts[id] + (long) from, EVERYTHING, addresses[id] + from, byteSizes[id] - from);
    }

    private long mismatch(long address, int shift, int byteSize) {
        return MemorySegment.mismatch(EVERYTHING, address, address + byteSize, pattern, shift, shift + (long) byteSize);
    }

    private String byteAt(int id, long offset) {
        byte found = EVERYTHING.get(ValueLayout.JAVA_BYTE, addresses[id] + offset);
        byte expected = pattern.get(ValueLayout.JAVA_BYTE, shifts[id] + offset);
        return String.format("byte %d is 0x%02x, expected 0x%02x", offset, found & 0xFF, expected & 0xFF);
    }

    private ReplayException refused(int op, String what, int id, int byteSize) {
        return new ReplayException(trace.where(op) + ": " + allocatorName + ": refused " + what + " of " + byteSize
                + " bytes for id " + id + " (returned NULL)");
    }

    /** {@return the shift of the {@code serial}-th block: a scrambled serial, so neighbours differ} */
    static int shift(long serial) {
        long z = (serial + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        return (int) Long.remainderUnsigned(z ^ (z >>> 29), PERIOD);
    }

    private static String range(long address, long byteSize) {
        return "[" + hex(address) + ", " + hex(address + byteSize) + ")";
    }

    private static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
