package io.peerflux.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Retry tokens: only this endpoint's, for the same client, Initial and within their lifetime, are valid. */
class RetryTokensTest {

    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 4001);
    static final byte[] ODCID = bytes(8, 1);
    static final byte[] RETRY_SCID = bytes(20, 2);

    long now = 1_000;
    final RetryTokens tokens = new RetryTokens(bytes(32, 3), () -> now);

    static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 37 + i);
        }
        return bytes;
    }

    static ByteBuf buf(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    byte[] mint() {
        return tokens.mint(buf(ODCID), RETRY_SCID, CLIENT);
    }

    boolean valid(byte[] token, InetSocketAddress client, byte[] dcid) {
        return tokens.validateToken(buf(token), client, buf(dcid)).isValid();
    }

    @Test
    void aMintedTokenIsValidAndCarriesTheOriginalDestinationId() {
        byte[] token = mint();
        assertThat(token).hasSize(RetryTokens.ODCID_OFFSET + ODCID.length);
        assertThat(valid(token, CLIENT, RETRY_SCID)).isTrue();
        assertThat(Arrays.copyOfRange(token, RetryTokens.ODCID_OFFSET, token.length)).isEqualTo(ODCID);
    }

    @Test
    void longestIdsAndIpv6Clients() {
        InetSocketAddress client = new InetSocketAddress("::1", 4001);
        byte[] odcid = bytes(RetryTokens.MAX_CONNECTION_ID_LENGTH, 4);
        byte[] token = tokens.mint(buf(odcid), RETRY_SCID, client);
        assertThat(token).hasSize(RetryTokens.MAX_TOKEN_LENGTH);
        assertThat(valid(token, client, RETRY_SCID)).isTrue();
        assertThat(valid(token, CLIENT, RETRY_SCID)).isFalse();
    }

    @Test
    void everyAlteredBitMakesItInvalid() {
        byte[] token = mint();
        for (int bit = 0; bit < token.length * 8; bit++) {
            byte[] altered = token.clone();
            altered[bit / 8] ^= (byte) (1 << bit % 8);
            assertThat(tokens.isOurs(buf(altered), buf(RETRY_SCID), CLIENT)).as("bit %d", bit).isFalse();
            assertThat(valid(altered, CLIENT, RETRY_SCID)).as("bit %d", bit).isFalse();
        }
    }

    @Test
    void truncatedOrExtendedItIsInvalid() {
        byte[] token = mint();
        for (int length = 0; length < token.length; length++) {
            assertThat(valid(Arrays.copyOf(token, length), CLIENT, RETRY_SCID)).as("length %d", length).isFalse();
        }
        assertThat(valid(Arrays.copyOf(token, token.length + 1), CLIENT, RETRY_SCID)).isFalse();
    }

    @Test
    void itIsBoundToTheClientsAddressAndPort() {
        byte[] token = mint();
        assertThat(valid(token, new InetSocketAddress("127.0.0.2", 4001), RETRY_SCID)).isFalse();
        assertThat(valid(token, new InetSocketAddress("127.0.0.1", 4002), RETRY_SCID)).isFalse();
    }

    @Test
    void itIsBoundToTheRetrysSourceId() {
        byte[] otherScid = RETRY_SCID.clone();
        otherScid[19] ^= 1;
        assertThat(valid(mint(), CLIENT, otherScid)).isFalse();
    }

    @Test
    void anotherEndpointsTokenIsInvalid() {
        RetryTokens other = new RetryTokens(bytes(32, 5), () -> now);
        byte[] token = other.mint(buf(ODCID), RETRY_SCID, CLIENT);
        assertThat(tokens.isOurs(buf(token), buf(RETRY_SCID), CLIENT)).isFalse();
        assertThat(valid(token, CLIENT, RETRY_SCID)).isFalse();
    }

    @Test
    void itExpiresAfterItsLifetimeButStaysOurs() {
        byte[] token = mint();
        now += RetryTokens.LIFETIME.toNanos();
        assertThat(valid(token, CLIENT, RETRY_SCID)).isTrue();
        now += 1;
        assertThat(valid(token, CLIENT, RETRY_SCID)).isFalse();
        assertThat(tokens.isOurs(buf(token), buf(RETRY_SCID), CLIENT)).isTrue();
    }

    @Test
    void readsWithoutConsuming() {
        ByteBuf token = Unpooled.wrappedBuffer(new byte[3], mint()).skipBytes(3);
        ByteBuf dcid = buf(RETRY_SCID);
        assertThat(tokens.validateToken(token, CLIENT, dcid).isValid()).isTrue();
        assertThat(token.readerIndex()).isEqualTo(3);
        assertThat(dcid.readerIndex()).isZero();
    }

    @Test
    void mintingRefusesIdsLongerThanQuicAllows() {
        byte[] odcid = bytes(RetryTokens.MAX_CONNECTION_ID_LENGTH + 1, 6);
        assertThatThrownBy(() -> tokens.mint(buf(odcid), RETRY_SCID, CLIENT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverAsksNettyForARetry() {
        assertThat(tokens.writeToken(Unpooled.buffer(), buf(ODCID), CLIENT)).isFalse();
        assertThat(tokens.maxTokenLength()).isZero();
    }

    @Property
    void randomTokensAreNeverOurs(@ForAll @Size(max = 80) byte[] token, @ForAll @Size(max = 24) byte[] dcid) {
        assertThat(tokens.isOurs(buf(token), buf(dcid), CLIENT)).isFalse();
        assertThat(valid(token, CLIENT, dcid)).isFalse();
    }

    @Property
    void randomTokensInOurFormatAreNeverOurs(@ForAll @Size(min = 41, max = 61) byte[] token) {
        token[0] = mint()[0];
        assertThat(valid(token, CLIENT, RETRY_SCID)).as(ByteBufUtil.hexDump(token)).isFalse();
    }
}
