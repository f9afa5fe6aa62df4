package io.peerflux.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.quic.QuicTokenHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The address validation tokens this endpoint puts in its Retry packets (RFC 9000 sections 8.1.2 and 8.1.4), and
 * Netty's token handler, which believes only those. A token carries the client's original destination connection
 * id (ODCID) back to us, so that the connection states it in its transport parameters (section 7.3):
 *
 * <pre>
 *  0        1                   9                                   41          41+n
 *  +--------+-------------------+-----------------------------------+-----------+
 *  | format | expiry (8 bytes)  | HMAC-SHA256 (32 bytes)            | ODCID (n) |
 *  +--------+-------------------+-----------------------------------+-----------+
 * </pre>
 *
 * The MAC, keyed with a secret of this endpoint, covers the format, expiry and ODCID, and what the token is bound to
 * without carrying it: the client's IP address and port (section 8.1.4), and the Retry's source connection id, which
 * is the destination connection id of the Initial that brings the token back (section 17.2.5.2). Netty takes that id
 * as the connection's own and assumes it is {@value PacketRouter#CONNECTION_ID_LENGTH} bytes long, which the MAC
 * guarantees. The expiry is on this JVM's monotonic clock: only this endpoint's key, which lives no longer, can make
 * a token valid.
 *
 * <p>Token-less Initials never get a Retry ({@link #writeToken} declines): libp2p dials do not pay the round trip.
 * Confined to the socket's event loop.
 */
final class RetryTokens implements QuicTokenHandler {

    /** How long a Retry token is accepted: the client returns it at once (section 8.1.3), resending on loss. */
    static final Duration LIFETIME = Duration.ofSeconds(10);
    /** The largest connection id of QUIC v1 (RFC 9000 section 17.2). */
    static final int MAX_CONNECTION_ID_LENGTH = 20;
    /** Where the ODCID starts: after the format byte, the expiry and the MAC. */
    static final int ODCID_OFFSET = 1 + Long.BYTES + 32;
    /** The longest token we mint, and so the longest we can believe. */
    static final int MAX_TOKEN_LENGTH = ODCID_OFFSET + MAX_CONNECTION_ID_LENGTH;

    private static final byte FORMAT = 1;
    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final int SECRET_LENGTH = 32;
    /** What the MAC covers at most: format, expiry, two length-prefixed ids, a length-prefixed IPv6 address, port. */
    private static final int MAC_INPUT_LENGTH = 1 + Long.BYTES + 2 * (1 + MAX_CONNECTION_ID_LENGTH) + 1 + 16 + 2;

    private final Mac mac;
    private final LongSupplier nanoClock;
    private final ByteBuffer macInput = ByteBuffer.allocate(MAC_INPUT_LENGTH);
    private final byte[] expected = new byte[ODCID_OFFSET - 1 - Long.BYTES];
    private final byte[] presented = new byte[expected.length];

    RetryTokens(byte[] secret, LongSupplier nanoClock) {
        try {
            mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(new SecretKeySpec(secret, MAC_ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + MAC_ALGORITHM, e);
        }
        this.nanoClock = nanoClock;
    }

    /** Tokens under a fresh random secret. Reads the OS entropy source: not on an event loop. */
    static RetryTokens create() {
        byte[] secret = new byte[SECRET_LENGTH];
        new SecureRandom().nextBytes(secret);
        return new RetryTokens(secret, System::nanoTime);
    }

    /**
     * Mints the token of a Retry sent to {@code client} with source connection id {@code retrySourceId}, in answer
     * to an Initial addressed to {@code odcid}. Both ids are at most {@value #MAX_CONNECTION_ID_LENGTH} bytes.
     *
     * <p>Ownership: reads the ids without consuming or releasing them.
     */
    byte[] mint(ByteBuf odcid, byte[] retrySourceId, InetSocketAddress client) {
        long expiry = nanoClock.getAsLong() + LIFETIME.toNanos();
        byte[] token = new byte[ODCID_OFFSET + odcid.readableBytes()];
        ByteBuf out = Unpooled.wrappedBuffer(token).clear();
        out.writeByte(FORMAT).writeLong(expiry);
        if (!sign(expiry, odcid, Unpooled.wrappedBuffer(retrySourceId), client)) {
            throw new IllegalArgumentException("ids of at most " + MAX_CONNECTION_ID_LENGTH + " bytes and a resolved "
                    + "address are needed, got " + odcid.readableBytes() + ", " + retrySourceId.length + ", " + client);
        }
        out.writeBytes(expected).writeBytes(odcid, odcid.readerIndex(), odcid.readableBytes());
        return token;
    }

    /**
     * Whether {@code token} is one this endpoint minted for {@code client} and for an Initial to {@code dcid}, expired
     * or not. A forged or altered token is not: its MAC does not match.
     *
     * <p>Ownership: reads the buffers without consuming or releasing them.
     */
    boolean isOurs(ByteBuf token, ByteBuf dcid, InetSocketAddress client) {
        int length = token.readableBytes();
        if (length < ODCID_OFFSET || length > MAX_TOKEN_LENGTH || token.getByte(token.readerIndex()) != FORMAT) {
            return false;
        }
        long expiry = token.getLong(token.readerIndex() + 1);
        ByteBuf odcid = token.slice(token.readerIndex() + ODCID_OFFSET, length - ODCID_OFFSET);
        if (!sign(expiry, odcid, dcid, client)) {
            return false;
        }
        token.getBytes(token.readerIndex() + 1 + Long.BYTES, presented);
        return MessageDigest.isEqual(expected, presented);
    }

    /**
     * Accepts our own unexpired tokens and tells Netty where their ODCID is. Netty drops the Initial of anything
     * else: {@link ForeignTokenRetry} lets only our own tokens through, so that is an expired Retry token, whose client
     * would ignore a second Retry (RFC 9000 section 8.1.3 allows the drop).
     */
    @Override
    public TokenValidationResult validateToken(ByteBuf token, InetSocketAddress address, ByteBuf dcid) {
        if (!isOurs(token, dcid, address) || nanoClock.getAsLong() - token.getLong(token.readerIndex() + 1) > 0) {
            return TokenValidationResult.invalidToken();
        }
        return TokenValidationResult.odcidFromToken(ODCID_OFFSET);
    }

    /** Netty calls the three-argument form above instead; this one answers "invalid" to be safe. */
    @Override
    public int validateToken(ByteBuf token, InetSocketAddress address) {
        return -1;
    }

    /** Never asks Netty for a Retry: token-less Initials proceed, and foreign tokens are {@link ForeignTokenRetry}'s. */
    @Override
    public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
        return false;
    }

    /** Netty sizes the buffer for {@link #writeToken} by this: it never writes one. */
    @Override
    public int maxTokenLength() {
        return 0;
    }

    /** Computes the MAC into {@link #expected}; false (nothing computed) if an input is out of bounds. */
    private boolean sign(long expiry, ByteBuf odcid, ByteBuf dcid, InetSocketAddress client) {
        InetAddress ip = client.getAddress();
        if (ip == null || odcid.readableBytes() > MAX_CONNECTION_ID_LENGTH
                || dcid.readableBytes() > MAX_CONNECTION_ID_LENGTH) {
            return false;
        }
        byte[] ipBytes = ip.getAddress();
        macInput.clear();
        macInput.put(FORMAT).putLong(expiry);
        putWithLength(odcid);
        putWithLength(dcid);
        macInput.put((byte) ipBytes.length).put(ipBytes).putShort((short) client.getPort());
        macInput.flip();
        mac.update(macInput);
        try {
            mac.doFinal(expected, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("the MAC buffer fits HMAC-SHA256", e);
        }
        return true;
    }

    private void putWithLength(ByteBuf id) {
        int length = id.readableBytes();
        macInput.put((byte) length);
        id.getBytes(id.readerIndex(), macInput.array(), macInput.position(), length);
        macInput.position(macInput.position() + length);
    }
}
