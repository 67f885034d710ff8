package io.sfcrime.producer;

/**
 * One top-level element of the input as the scanner found it: where it stood, how long it was and (up to the
 * record cap) its bytes. A single instance is reused for every element so scanning allocates nothing per record.
 */
public final class Element {
    /** Zero-based position of the element among the input's elements (valid or not). */
    long index;
    /** Byte offset of the element's first byte in the input. */
    long offset;
    /** Full length in bytes (leading and trailing whitespace excluded), even when only a prefix was kept. */
    long length;
    /** The kept bytes: all of them unless {@link #length} exceeds the cap, then only the first cap bytes. */
    byte[] bytes;
    int kept;
    /** The input ended inside this element. */
    boolean truncated;
    /** Whitespace between tokens: the bytes are not yet compact JSON. */
    boolean spaced;

    Element(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    public long index() {
        return index;
    }

    public long offset() {
        return offset;
    }

    public long length() {
        return length;
    }

    public boolean truncated() {
        return truncated;
    }

    /** True when the element was longer than the cap and only its first bytes were kept. */
    public boolean clipped() {
        return kept < length;
    }

    /** A copy of the kept bytes. */
    public byte[] copyBytes() {
        return java.util.Arrays.copyOf(bytes, kept);
    }

    void reset(long index, long offset) {
        this.index = index;
        this.offset = offset;
        this.length = 0;
        this.kept = 0;
        this.truncated = false;
        this.spaced = false;
    }
}
