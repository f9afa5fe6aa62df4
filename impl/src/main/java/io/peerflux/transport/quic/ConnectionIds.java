package io.peerflux.transport.quic;

import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import io.netty.handler.codec.quic.QuicResetTokenGenerator;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Random connection ids and stateless reset tokens (RFC 9000 sections 5.1 and 10.3) from a DRBG seeded once, so
 * that event loops never read the OS entropy source (Netty's own generators do, on first use).
 */
final class ConnectionIds implements QuicConnectionIdGenerator, QuicResetTokenGenerator {

    static final ConnectionIds INSTANCE = new ConnectionIds();
    private static final int RESET_TOKEN_LENGTH = 16;

    private final SecureRandom random;

    private ConnectionIds() {
        try {
            random = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has a DRBG", e);
        }
        random.nextBytes(new byte[1]);
    }

    /** A new random id of {@link PacketRouter#CONNECTION_ID_LENGTH} bytes. */
    byte[] next() {
        byte[] id = new byte[PacketRouter.CONNECTION_ID_LENGTH];
        random.nextBytes(id);
        return id;
    }

    @Override
    public ByteBuffer newId(int length) {
        if (length < 0 || length > maxConnectionIdLength()) {
            throw new IllegalArgumentException("connection id length out of range: " + length);
        }
        byte[] id = new byte[length];
        random.nextBytes(id);
        return ByteBuffer.wrap(id);
    }

    @Override
    public ByteBuffer newId(ByteBuffer input, int length) {
        return newId(length);
    }

    @Override
    public int maxConnectionIdLength() {
        return PacketRouter.CONNECTION_ID_LENGTH;
    }

    @Override
    public boolean isIdempotent() {
        return false;
    }

    @Override
    public ByteBuffer newResetToken(ByteBuffer connectionId) {
        byte[] token = new byte[RESET_TOKEN_LENGTH];
        random.nextBytes(token);
        return ByteBuffer.wrap(token);
    }
}
