package dev.jalloc.internal.heap;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * The free blocks of a {@link BestFit} region as a red-black tree whose nodes live inside the free blocks
 * themselves, keyed by (size, address): best fit in O(log n), ties to the lowest address.
 *
 * <p>A node is named by its <em>slot</em>, {@code (blockOffset - 8) / 16} as an unsigned 32-bit int, so a region
 * holds at most 2<sup>32</sup> granules of 16 bytes (64 GiB). Slot 0 is the sentinel {@link #NIL}, a black node
 * at offset 8 that the region reserves; its parent field is scratch space for deletion, as in CLRS.
 * <pre>
 *   free block at offset b (b % 16 == 8), at least 32 bytes:
 *   b+0   header  u64  size | RED(4) | PREV_ALLOC(2) | ALLOC(1)=0
 *   b+8   left    u32  slot of the left child   (NIL = 0)
 *   b+12  right   u32  slot of the right child
 *   b+16  parent  u32  slot of the parent
 *   b+20  ...     unused
 *   b+size-8  footer  u64  size (no flags): the next block finds this block's start through it
 * </pre>
 * Not thread-safe; the owning allocator guards it.
 */
final class FreeTree {
    static final int NIL = 0;
    static final long RED = 4;
    static final long SIZE_MASK = ~15L;

    private final MemorySegment mem;
    private int root = NIL;
    private long count;

    FreeTree(MemorySegment mem) {
        this.mem = mem;
        mem.set(JAVA_LONG, offset(NIL), 0L);   // black, size 0
        setLeft(NIL, NIL);
        setRight(NIL, NIL);
        setParent(NIL, NIL);
    }

    static long offset(int slot) {
        return (Integer.toUnsignedLong(slot) << 4) + 8;
    }

    static int slot(long offset) {
        return (int) (offset >>> 4);
    }

    /** {@return the number of free blocks in the tree} */
    long count() {
        return count;
    }

    /** {@return the offset of the smallest free block of at least {@code size} bytes (lowest address first), or -1} */
    long bestFit(long size) {
        int best = NIL;
        int x = root;
        while (x != NIL) {
            if (sizeOf(x) >= size) {
                best = x;
                x = left(x);
            } else {
                x = right(x);
            }
        }
        return best == NIL ? -1 : offset(best);
    }

    /** Calls {@code visitor} with the offset of every free block, in key order, without checking anything. */
    void forEach(java.util.function.LongConsumer visitor) {
        int x = root;
        int[] stack = new int[64];
        int depth = 0;
        while (x != NIL || depth > 0) {
            while (x != NIL) {
                stack[depth++] = x;   // a red-black tree of 2^32 nodes is at most 64 deep
                x = left(x);
            }
            x = stack[--depth];
            visitor.accept(offset(x));
            x = right(x);
        }
    }

    /** {@return the offset of the largest free block (highest address among equals), or -1} */
    long largest() {
        int x = root;
        if (x == NIL) {
            return -1;
        }
        while (right(x) != NIL) {
            x = right(x);
        }
        return offset(x);
    }

    /** Inserts the free block at {@code blockOffset}, whose header holds its size already. */
    void insert(long blockOffset) {
        int z = slot(blockOffset);
        long size = sizeOf(z);
        int y = NIL;
        int x = root;
        while (x != NIL) {
            y = x;
            x = less(size, z, x) ? left(x) : right(x);
        }
        setParent(z, y);
        if (y == NIL) {
            root = z;
        } else if (less(size, z, y)) {
            setLeft(y, z);
        } else {
            setRight(y, z);
        }
        setLeft(z, NIL);
        setRight(z, NIL);
        setRed(z, true);
        insertFixup(z);
        count++;
    }

    /** Removes the free block at {@code blockOffset}, which is in the tree. */
    void remove(long blockOffset) {
        int z = slot(blockOffset);
        int y = z;
        boolean yWasRed = isRed(y);
        int x;
        if (left(z) == NIL) {
            x = right(z);
            transplant(z, x);
        } else if (right(z) == NIL) {
            x = left(z);
            transplant(z, x);
        } else {
            y = minimum(right(z));
            yWasRed = isRed(y);
            x = right(y);
            if (parent(y) == z) {
                setParent(x, y);
            } else {
                transplant(y, x);
                setRight(y, right(z));
                setParent(right(y), y);
            }
            transplant(z, y);
            setLeft(y, left(z));
            setParent(left(y), y);
            setRed(y, isRed(z));
        }
        if (!yWasRed) {
            deleteFixup(x);
        }
        setParent(NIL, NIL);
        count--;
    }

    // ---- red-black maintenance (CLRS, chapter 13) ----

    private void insertFixup(int z) {
        while (isRed(parent(z))) {
            int p = parent(z);
            int g = parent(p);
            if (p == left(g)) {
                int u = right(g);
                if (isRed(u)) {
                    setRed(p, false);
                    setRed(u, false);
                    setRed(g, true);
                    z = g;
                } else {
                    if (z == right(p)) {
                        z = p;
                        rotateLeft(z);
                        p = parent(z);
                        g = parent(p);
                    }
                    setRed(p, false);
                    setRed(g, true);
                    rotateRight(g);
                }
            } else {
                int u = left(g);
                if (isRed(u)) {
                    setRed(p, false);
                    setRed(u, false);
                    setRed(g, true);
                    z = g;
                } else {
                    if (z == left(p)) {
                        z = p;
                        rotateRight(z);
                        p = parent(z);
                        g = parent(p);
                    }
                    setRed(p, false);
                    setRed(g, true);
                    rotateLeft(g);
                }
            }
        }
        setRed(root, false);
    }

    private void deleteFixup(int x) {
        while (x != root && !isRed(x)) {
            int p = parent(x);
            if (x == left(p)) {
                int w = right(p);
                if (isRed(w)) {
                    setRed(w, false);
                    setRed(p, true);
                    rotateLeft(p);
                    w = right(p);
                }
                if (!isRed(left(w)) && !isRed(right(w))) {
                    setRed(w, true);
                    x = p;
                } else {
                    if (!isRed(right(w))) {
                        setRed(left(w), false);
                        setRed(w, true);
                        rotateRight(w);
                        w = right(p);
                    }
                    setRed(w, isRed(p));
                    setRed(p, false);
                    setRed(right(w), false);
                    rotateLeft(p);
                    x = root;
                }
            } else {
                int w = left(p);
                if (isRed(w)) {
                    setRed(w, false);
                    setRed(p, true);
                    rotateRight(p);
                    w = left(p);
                }
                if (!isRed(right(w)) && !isRed(left(w))) {
                    setRed(w, true);
                    x = p;
                } else {
                    if (!isRed(left(w))) {
                        setRed(right(w), false);
                        setRed(w, true);
                        rotateLeft(w);
                        w = left(p);
                    }
                    setRed(w, isRed(p));
                    setRed(p, false);
                    setRed(left(w), false);
                    rotateRight(p);
                    x = root;
                }
            }
        }
        setRed(x, false);
    }

    private void rotateLeft(int x) {
        int y = right(x);
        setRight(x, left(y));
        if (left(y) != NIL) {
            setParent(left(y), x);
        }
        setParent(y, parent(x));
        if (parent(x) == NIL) {
            root = y;
        } else if (x == left(parent(x))) {
            setLeft(parent(x), y);
        } else {
            setRight(parent(x), y);
        }
        setLeft(y, x);
        setParent(x, y);
    }

    private void rotateRight(int x) {
        int y = left(x);
        setLeft(x, right(y));
        if (right(y) != NIL) {
            setParent(right(y), x);
        }
        setParent(y, parent(x));
        if (parent(x) == NIL) {
            root = y;
        } else if (x == right(parent(x))) {
            setRight(parent(x), y);
        } else {
            setLeft(parent(x), y);
        }
        setRight(y, x);
        setParent(x, y);
    }

    private void transplant(int u, int v) {
        if (parent(u) == NIL) {
            root = v;
        } else if (u == left(parent(u))) {
            setLeft(parent(u), v);
        } else {
            setRight(parent(u), v);
        }
        setParent(v, parent(u));
    }

    private int minimum(int x) {
        while (left(x) != NIL) {
            x = left(x);
        }
        return x;
    }

    // ---- the invariant check ----

    /**
     * Checks the tree: BST order by (size, slot), parent links, a black root, no red node with a red child, the same
     * number of black nodes on every path, and {@code count()} nodes. Every node is reported to {@code visitor}.
     *
     * @throws IllegalStateException naming the first violation
     */
    void check(java.util.function.LongConsumer visitor) {
        if (isRed(root)) {
            throw new IllegalStateException("free tree: the root is red");
        }
        if (root != NIL && parent(root) != NIL) {
            throw new IllegalStateException("free tree: the root has a parent");
        }
        long[] nodes = {0};
        blackHeight(root, NIL, visitor, nodes);
        if (nodes[0] != count) {
            throw new IllegalStateException("free tree: " + nodes[0] + " nodes reachable, " + count + " counted");
        }
    }

    private int blackHeight(int x, int parent, java.util.function.LongConsumer visitor, long[] nodes) {
        if (x == NIL) {
            return 1;
        }
        nodes[0]++;
        if (parent(x) != parent) {
            throw new IllegalStateException("free tree: node at " + offset(x) + " has a wrong parent link");
        }
        int l = left(x);
        int r = right(x);
        if (l != NIL && !less(sizeOf(l), l, x)) {
            throw new IllegalStateException("free tree: left child " + offset(l) + " not below " + offset(x));
        }
        if (r != NIL && less(sizeOf(r), r, x)) {
            throw new IllegalStateException("free tree: right child " + offset(r) + " below " + offset(x));
        }
        if (isRed(x) && (isRed(l) || isRed(r))) {
            throw new IllegalStateException("free tree: red node at " + offset(x) + " has a red child");
        }
        visitor.accept(offset(x));
        int hl = blackHeight(l, x, visitor, nodes);
        int hr = blackHeight(r, x, visitor, nodes);
        if (hl != hr) {
            throw new IllegalStateException("free tree: black heights " + hl + " and " + hr + " under " + offset(x));
        }
        return hl + (isRed(x) ? 0 : 1);
    }

    // ---- fields ----

    /** {@return whether block (size, a) orders before block b} */
    private boolean less(long size, int a, int b) {
        long sb = sizeOf(b);
        return size < sb || (size == sb && Integer.compareUnsigned(a, b) < 0);
    }

    private long sizeOf(int s) {
        return mem.get(JAVA_LONG, offset(s)) & SIZE_MASK;
    }

    private boolean isRed(int s) {
        return (mem.get(JAVA_LONG, offset(s)) & RED) != 0;
    }

    private void setRed(int s, boolean red) {
        long o = offset(s);
        long h = mem.get(JAVA_LONG, o);
        mem.set(JAVA_LONG, o, red ? h | RED : h & ~RED);
    }

    private int left(int s) {
        return mem.get(JAVA_INT, offset(s) + 8);
    }

    private int right(int s) {
        return mem.get(JAVA_INT, offset(s) + 12);
    }

    private int parent(int s) {
        return mem.get(JAVA_INT, offset(s) + 16);
    }

    private void setLeft(int s, int v) {
        mem.set(JAVA_INT, offset(s) + 8, v);
    }

    private void setRight(int s, int v) {
        mem.set(JAVA_INT, offset(s) + 12, v);
    }

    private void setParent(int s, int v) {
        mem.set(JAVA_INT, offset(s) + 16, v);
    }
}
