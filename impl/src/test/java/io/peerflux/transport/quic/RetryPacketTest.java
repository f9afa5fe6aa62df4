package io.peerflux.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Retry packets against RFC 9001 appendix A.4. */
class RetryPacketTest {

    static final HexFormat HEX = HexFormat.of();
    /** The client's original destination connection id of RFC 9001 appendix A. */
    static final byte[] ODCID = HEX.parseHex("8394c8f03e515708");
    /** The Retry of RFC 9001 appendix A.4: no DCID, SCID f067a5502a4262b5, token "token", then the tag. */
    static final byte[] RFC_RETRY = HEX.parseHex(
            "ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba");

    @Test
    void encodesTheRfcRetry() {
        byte[] retry = RetryPacket.encode(new byte[0], HEX.parseHex("f067a5502a4262b5"),
                "token".getBytes(java.nio.charset.StandardCharsets.US_ASCII), ODCID);
        assertThat(HEX.formatHex(retry)).isEqualTo(HEX.formatHex(RFC_RETRY));
    }

    @Test
    void theTagCoversTheOriginalDestinationId() {
        byte[] otherOdcid = ODCID.clone();
        otherOdcid[7] ^= 1;
        byte[] tag = new byte[RetryPacket.TAG_LENGTH];
        RetryPacket.integrityTag(otherOdcid, RFC_RETRY, RFC_RETRY.length - RetryPacket.TAG_LENGTH, tag, 0);
        assertThat(tag).isNotEqualTo(Arrays.copyOfRange(RFC_RETRY, RFC_RETRY.length - RetryPacket.TAG_LENGTH,
                RFC_RETRY.length));
    }
}
