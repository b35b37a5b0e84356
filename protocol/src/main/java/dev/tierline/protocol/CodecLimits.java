package dev.tierline.protocol;

/**
 * Limits the codec enforces while parsing, before any record is built.
 *
 * @param maxNestingDepth deepest JSON nesting accepted (a command needs about 6)
 * @param maxStringLength longest JSON string accepted, in characters
 */
public record CodecLimits(int maxNestingDepth, int maxStringLength) {
    public static final int DEFAULT_MAX_NESTING_DEPTH = 16;
    public static final int DEFAULT_MAX_STRING_LENGTH = 64 * 1024;
    public static final CodecLimits DEFAULTS = new CodecLimits(DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_STRING_LENGTH);

    public CodecLimits {
        if (maxNestingDepth < 4) {
            throw new IllegalArgumentException("maxNestingDepth must be at least 4: " + maxNestingDepth);
        }
        if (maxStringLength < 64) {
            throw new IllegalArgumentException("maxStringLength must be at least 64: " + maxStringLength);
        }
    }
}
