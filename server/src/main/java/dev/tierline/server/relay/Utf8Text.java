package dev.tierline.server.relay;

import io.netty.buffer.ByteBuf;

/**
 * UTF-8 validation of a whole text message (RFC 3629: no overlong forms, no surrogates, nothing
 * past U+10FFFF), as RFC 6455 asks of text frames. Netty's validator walks every byte through a
 * state machine and was 7 % of the relay's CPU; chat is nearly all ASCII, so this one checks
 * eight bytes at a time and decodes only where a byte has its high bit set.
 */
final class Utf8Text {
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8Text() {
    }

    static boolean isValid(ByteBuf text) {
        int i = text.readerIndex();
        int end = text.writerIndex();
        while (i < end) {
            if (i + 8 <= end && (text.getLong(i) & HIGH_BITS) == 0) {
                i += 8;
                continue;
            }
            int lead = text.getByte(i) & 0xFF;
            if (lead < 0x80) {
                i++;
                continue;
            }
            int continuations;
            int low = 0x80; // the allowed range of the byte after the lead, which rules out overlong forms,
            int high = 0xBF; // surrogates and code points past U+10FFFF
            if (lead >= 0xC2 && lead <= 0xDF) {
                continuations = 1;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                continuations = 2;
                if (lead == 0xE0) {
                    low = 0xA0;
                } else if (lead == 0xED) {
                    high = 0x9F;
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                continuations = 3;
                if (lead == 0xF0) {
                    low = 0x90;
                } else if (lead == 0xF4) {
                    high = 0x8F;
                }
            } else {
                return false;
            }
            if (i + continuations >= end) {
                return false;
            }
            int second = text.getByte(i + 1) & 0xFF;
            if (second < low || second > high) {
                return false;
            }
            for (int k = 2; k <= continuations; k++) {
                if ((text.getByte(i + k) & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += continuations + 1;
        }
        return true;
    }
}
