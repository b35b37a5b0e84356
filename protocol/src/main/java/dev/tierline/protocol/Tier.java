package dev.tierline.protocol;

/**
 * The support tier of a technician. L4 is outside (vendor) support: it only ever joins on a
 * narrow, time-boxed invitation.
 */
public enum Tier {
    L1, L2, L3, L4;

    /** Whether this tier belongs to the organisation's own staff (L1 to L3). */
    public boolean isInternal() {
        return this != L4;
    }

    public static Tier parse(String wire) {
        try {
            return Tier.valueOf(wire);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "unknown tier " + wire);
        }
    }
}
