package dev.jalloc.internal.heap;

import java.util.Arrays;

/**
 * The free blocks of a {@link BestFit}, out of band: a red-black tree keyed by (size, start) for best fit in
 * O(log n), and an open-addressing index from start to node for O(1) lookups when blocks merge. Nothing lives in
 * the memory being managed, so nothing a program writes there can reach this structure.
 *
 * <pre>
 *   node n (arrays indexed by n; node 0 is the sentinel NIL, black, as in CLRS chapter 13)
 *   key[n]                 size << 32 | start      unsigned: sizes and starts below 2^32 units; by size, then start
 *   child[2n], child[2n+1] left and right child     node indices (NIL = 0); a free node's left is the next free one
 *   parent[n]  red[n]
 *
 *   The children are one array indexed by direction (LEFT = 0, RIGHT = 1), so every mirrored step of the
 *   red-black algorithms (the two rotations, the two halves of each fix-up) is written once, for a direction d and
 *   its opposite 1 - d.
 *
 *   index: slots[h] = start (or EMPTY) and nodeOf[h] = node, linear probing from hash(start), deleted by
 *   shifting the rest of the run back (no tombstones)
 * </pre>
 * Not thread-safe; the owning {@link BestFit} guards it.
 */
final class FreeTree {
    static final int NIL = 0;
    private static final int EMPTY = -1;

    private static final int LEFT = 0;
    private static final int RIGHT = 1;

    private long[] key = new long[16];
    private int[] child = new int[32];
    private int[] parent = new int[16];
    private boolean[] red = new boolean[16];
    private int root = NIL;
    private int count;
    /** The first node of the free list (linked through {@code left}), or NIL: the next node to hand out. */
    private int freeNodes = NIL;
    private int nextNode = 1;

    private int[] slots = filled(16);
    private int[] nodeOf = new int[16];
    private int shift = 64 - 4;

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, EMPTY);
        return a;
    }

    /** {@return the number of free blocks} */
    int count() {
        return count;
    }

    static long size(long key) {
        return key >>> 32;
    }

    static long start(long key) {
        return key & 0xFFFF_FFFFL;
    }

    /** {@return the key of node {@code n}: {@code size << 32 | start}} */
    long key(int n) {
        return key[n];
    }

    // ---- the index by start ----

    private int hash(long start) {
        return (int) ((start * 0x9E37_79B9_7F4A_7C15L) >>> shift);
    }

    /** {@return the node of the free block starting at {@code start}, or NIL} */
    int nodeAt(long start) {
        int s = (int) start;
        int mask = slots.length - 1;
        for (int h = hash(start); ; h = (h + 1) & mask) {
            int found = slots[h];
            if (found == s) {
                return nodeOf[h];
            }
            if (found == EMPTY) {
                return NIL;
            }
        }
    }

    private void indexPut(long start, int node) {
        if (2 * (count + 1) > slots.length) {
            rehash(slots.length * 2);
        }
        int mask = slots.length - 1;
        int h = hash(start);
        while (slots[h] != EMPTY) {
            h = (h + 1) & mask;
        }
        slots[h] = (int) start;
        nodeOf[h] = node;
    }

    private void indexRemove(long start) {
        int s = (int) start;
        int mask = slots.length - 1;
        int h = hash(start);
        while (slots[h] != s) {
            h = (h + 1) & mask;
        }
        // Shift the entries after the hole back while their home slot is at or before the hole (cyclically).
        int hole = h;
        for (int j = (hole + 1) & mask; slots[j] != EMPTY; j = (j + 1) & mask) {
            int home = hash(Integer.toUnsignedLong(slots[j]));
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = slots[j];
                nodeOf[hole] = nodeOf[j];
                hole = j;
            }
        }
        slots[hole] = EMPTY;
    }

    private void rehash(int n) {
        int[] oldSlots = slots;
        int[] oldNodes = nodeOf;
        slots = filled(n);
        nodeOf = new int[n];
        shift = 64 - Integer.numberOfTrailingZeros(n);
        int mask = n - 1;
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != EMPTY) {
                int h = hash(Integer.toUnsignedLong(oldSlots[i]));
                while (slots[h] != EMPTY) {
                    h = (h + 1) & mask;
                }
                slots[h] = oldSlots[i];
                nodeOf[h] = oldNodes[i];
            }
        }
    }

    // ---- the operations ----

    private int left(int n) {
        return child[2 * n];
    }

    private int right(int n) {
        return child[2 * n + 1];
    }

    /** Adds the free block {@code [start, start + size)}; no block may start at {@code start} already. */
    void add(long start, long size) {
        int z = newNode(size << 32 | start);
        long k = key[z];
        int y = NIL;
        int x = root;
        int d = LEFT;
        while (x != NIL) {
            y = x;
            d = Long.compareUnsigned(k, key[x]) < 0 ? LEFT : RIGHT;
            x = child[2 * x + d];
        }
        parent[z] = y;
        if (y == NIL) {
            root = z;
        } else {
            child[2 * y + d] = z;
        }
        child[2 * z] = NIL;
        child[2 * z + 1] = NIL;
        red[z] = true;
        insertFixup(z);
        indexPut(start, z);
        count++;
    }

    /** Removes the free block starting at {@code start}, which is in the tree. {@return its size} */
    long remove(long start) {
        int z = nodeAt(start);
        long size = size(key[z]);
        removeNode(z);
        return size;
    }

    /** Removes node {@code z}, a free block in the tree (CLRS's RB-DELETE, NIL's parent used as scratch). */
    void removeNode(int z) {
        indexRemove(start(key[z]));
        int y = z;
        boolean yWasRed = red[y];
        int x;
        if (left(z) == NIL) {
            x = right(z);
            transplant(z, x);
        } else if (right(z) == NIL) {
            x = left(z);
            transplant(z, x);
        } else {
            y = right(z);
            while (left(y) != NIL) {
                y = left(y);
            }
            yWasRed = red[y];
            x = right(y);
            if (parent[y] == z) {
                parent[x] = y;
            } else {
                transplant(y, x);
                child[2 * y + 1] = right(z);
                parent[right(y)] = y;
            }
            transplant(z, y);
            child[2 * y] = left(z);
            parent[left(y)] = y;
            red[y] = red[z];
        }
        if (!yWasRed) {
            deleteFixup(x);
        }
        parent[NIL] = NIL;
        red[NIL] = false;
        child[2 * z] = freeNodes;
        freeNodes = z;
        count--;
    }

    /** {@return the node of the smallest free block of at least {@code size} units (lowest start first), or NIL} */
    int bestFit(long size) {
        int best = NIL;
        int x = root;
        while (x != NIL) {
            if (size(key[x]) >= size) {
                best = x;
                x = left(x);
            } else {
                x = right(x);
            }
        }
        return best;
    }

    /** {@return the node of the largest free block (highest start among equals), or NIL} */
    int largest() {
        int x = root;
        if (x == NIL) {
            return NIL;
        }
        while (right(x) != NIL) {
            x = right(x);
        }
        return x;
    }

    /**
     * {@return the node after {@code x} in (size, start) order: the next larger free block, or NIL} O(1) amortized
     * over a walk, O(log n) at worst (a climb to the root).
     */
    int next(int x) {
        if (right(x) != NIL) {
            x = right(x);
            while (left(x) != NIL) {
                x = left(x);
            }
            return x;
        }
        int p = parent[x];
        while (p != NIL && x == right(p)) {
            x = p;
            p = parent[p];
        }
        return p;
    }

    /** Visitor of free blocks. */
    @FunctionalInterface
    interface Visitor {
        void visit(long start, long size);
    }

    /** Calls {@code visitor} with every free block, smallest first. */
    void forEach(Visitor visitor) {
        int[] stack = new int[Math.max(8, 2 * (64 - Long.numberOfLeadingZeros(count + 1L)) + 2)];
        int depth = 0;
        int x = root;
        while (x != NIL || depth > 0) {
            while (x != NIL) {
                stack[depth++] = x;   // a red-black tree of n nodes is at most 2 log2(n + 1) deep
                x = left(x);
            }
            x = stack[--depth];
            visitor.visit(start(key[x]), size(key[x]));
            x = right(x);
        }
    }

    private int newNode(long k) {
        int n = freeNodes;
        if (n != NIL) {
            freeNodes = child[2 * n];
        } else {
            n = nextNode++;
            if (n == key.length) {
                int grown = key.length * 2;
                key = Arrays.copyOf(key, grown);
                child = Arrays.copyOf(child, 2 * grown);
                parent = Arrays.copyOf(parent, grown);
                red = Arrays.copyOf(red, grown);
            }
        }
        key[n] = k;
        return n;
    }

    // ---- red-black maintenance (CLRS, chapter 13), each mirrored case written once for a direction d ----

    /** {@return the direction of {@code x} under its parent} */
    private int side(int x) {
        return x == left(parent[x]) ? LEFT : RIGHT;
    }

    private void insertFixup(int z) {
        while (red[parent[z]]) {
            int p = parent[z];
            int g = parent[p];
            int d = side(p);                      // p is g's child in direction d, the uncle in 1 - d
            int u = child[2 * g + 1 - d];
            if (red[u]) {
                red[p] = false;
                red[u] = false;
                red[g] = true;
                z = g;
            } else {
                if (z == child[2 * p + 1 - d]) {
                    z = p;
                    rotate(z, d);
                    p = parent[z];
                    g = parent[p];
                }
                red[p] = false;
                red[g] = true;
                rotate(g, 1 - d);
            }
        }
        red[root] = false;
    }

    private void deleteFixup(int x) {
        while (x != root && !red[x]) {
            int p = parent[x];
            int d = x == left(p) ? LEFT : RIGHT;  // x is p's child in direction d, its sibling in 1 - d
            int w = child[2 * p + 1 - d];
            if (red[w]) {
                red[w] = false;
                red[p] = true;
                rotate(p, d);
                w = child[2 * p + 1 - d];
            }
            if (!red[child[2 * w + d]] && !red[child[2 * w + 1 - d]]) {
                red[w] = true;
                x = p;
            } else {
                if (!red[child[2 * w + 1 - d]]) {
                    red[child[2 * w + d]] = false;
                    red[w] = true;
                    rotate(w, 1 - d);
                    w = child[2 * p + 1 - d];
                }
                red[w] = red[p];
                red[p] = false;
                red[child[2 * w + 1 - d]] = false;
                rotate(p, d);
                x = root;
            }
        }
        red[x] = false;
    }

    /** Rotates around {@code x} in direction {@code d}: its child in direction {@code 1 - d} takes its place. */
    private void rotate(int x, int d) {
        int y = child[2 * x + 1 - d];
        int inner = child[2 * y + d];
        child[2 * x + 1 - d] = inner;
        if (inner != NIL) {
            parent[inner] = x;
        }
        parent[y] = parent[x];
        if (parent[x] == NIL) {
            root = y;
        } else {
            child[2 * parent[x] + side(x)] = y;
        }
        child[2 * y + d] = x;
        parent[x] = y;
    }

    private void transplant(int u, int v) {
        if (parent[u] == NIL) {
            root = v;
        } else {
            child[2 * parent[u] + side(u)] = v;
        }
        parent[v] = parent[u];
    }

    // ---- the invariant check ----

    /**
     * Checks BST order, parent links, a black root, no red node with a red child, equal black heights, the index
     * agreeing with the tree, and {@link #count()} nodes; reports every block to {@code visitor}.
     *
     * @throws IllegalStateException naming the first violation
     */
    void check(Visitor visitor) {
        if (red[root]) {
            throw new IllegalStateException("free tree: the root is red");
        }
        if (root != NIL && parent[root] != NIL) {
            throw new IllegalStateException("free tree: the root has a parent");
        }
        int[] nodes = {0};
        blackHeight(root, NIL, visitor, nodes);
        if (nodes[0] != count) {
            throw new IllegalStateException("free tree: " + nodes[0] + " nodes reachable, " + count + " counted");
        }
        int indexed = 0;
        for (int s : slots) {
            indexed += s != EMPTY ? 1 : 0;
        }
        if (indexed != count) {
            throw new IllegalStateException("free tree: " + indexed + " starts indexed, " + count + " blocks");
        }
    }

    private int blackHeight(int x, int p, Visitor visitor, int[] nodes) {
        if (x == NIL) {
            return 1;
        }
        nodes[0]++;
        long start = start(key[x]);
        if (parent[x] != p) {
            throw new IllegalStateException("free tree: block at " + start + " has a wrong parent link");
        }
        if (nodeAt(start) != x) {
            throw new IllegalStateException("free tree: block at " + start + " is not indexed by its start");
        }
        int l = left(x);
        int r = right(x);
        if (l != NIL && Long.compareUnsigned(key[l], key[x]) >= 0) {
            throw new IllegalStateException("free tree: left child of the block at " + start + " is not below it");
        }
        if (r != NIL && Long.compareUnsigned(key[r], key[x]) <= 0) {
            throw new IllegalStateException("free tree: right child of the block at " + start + " is not above it");
        }
        if (red[x] && (red[l] || red[r])) {
            throw new IllegalStateException("free tree: red block at " + start + " has a red child");
        }
        visitor.visit(start, size(key[x]));
        int hl = blackHeight(l, x, visitor, nodes);
        int hr = blackHeight(r, x, visitor, nodes);
        if (hl != hr) {
            throw new IllegalStateException("free tree: black heights " + hl + " and " + hr + " under " + start);
        }
        return hl + (red[x] ? 0 : 1);
    }
}
