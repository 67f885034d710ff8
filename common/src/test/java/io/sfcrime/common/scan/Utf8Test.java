package io.sfcrime.common.scan;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test {
    static int check(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Utf8.firstInvalid(b, 0, b.length);
    }

    @Test
    void acceptsWellFormedText() {
        byte[] b = "a é € 😀 中".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.firstInvalid(b, 0, b.length)).isEqualTo(-1);
    }

    @Test
    void rejectsLoneContinuationOverlongSurrogateTooHighAndCutOff() {
        assertThat(check('a', 0x80)).isEqualTo(1);
        assertThat(check(0xC0, 0xAF)).isEqualTo(0);      // overlong '/'
        assertThat(check(0xE0, 0x80, 0xAF)).isEqualTo(0); // overlong
        assertThat(check(0xED, 0xA0, 0x80)).isEqualTo(0); // surrogate
        assertThat(check(0xF4, 0x90, 0x80, 0x80)).isEqualTo(0); // above U+10FFFF
        assertThat(check('x', 0xE2, 0x82)).isEqualTo(1);  // cut off
        assertThat(check(0xFF)).isEqualTo(0);
        assertThat(check('a', 0xC3, 0x28)).isEqualTo(1);  // bad continuation
    }
}
