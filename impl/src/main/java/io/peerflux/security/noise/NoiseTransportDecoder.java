package io.peerflux.security.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.peerflux.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decrypts inbound Noise transport messages (framed as drawn on {@link NoiseTransportEncoder}) and passes each
 * non-empty plaintext on as one {@code ByteBuf}. A message shorter than its tag, or one that does not authenticate,
 * ends the connection: a {@link ProtocolViolationException} of scope {@code CONNECTION} is fired down the pipeline
 * (so the muxer above can fail its streams with it), the channel is closed, and later bytes are dropped.
 *
 * <p>Reads are kept as they arrive ({@linkplain ByteToMessageDecoder#COMPOSITE_CUMULATOR composite cumulation}): a
 * read rarely ends on a message boundary, and merging would copy every following read in whole behind the piece
 * left over. Only the one message that spans two reads is copied, into the buffer it is then decrypted in.
 *
 * <p>Ownership: inbound ciphertext is consumed and released; each plaintext passed on is a new buffer owned by the
 * next handler.
 */
final class NoiseTransportDecoder extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(NoiseTransportDecoder.class);

    private final CipherState cipher;
    private boolean failed;

    NoiseTransportDecoder(CipherState receiveCipher) {
        this.cipher = receiveCipher;
        setCumulator(COMPOSITE_CUMULATOR);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < NoiseHandshakeHandler.LENGTH_FIELD) {
            return;
        }
        int length = in.getUnsignedShort(in.readerIndex());
        if (in.readableBytes() < NoiseHandshakeHandler.LENGTH_FIELD + length) {
            return;
        }
        if (length < CipherState.TAG_LENGTH) {
            violation(ctx, in, "transport message of " + length + " bytes is shorter than its tag");
            return;
        }
        int plaintextLength = length - CipherState.TAG_LENGTH;
        int at = in.readerIndex() + NoiseHandshakeHandler.LENGTH_FIELD;
        ByteBuffer ciphertext = whereItLies(in, at, length);
        ByteBuf plaintext = ctx.alloc().ioBuffer(ciphertext != null ? plaintextLength : length);
        if (ciphertext == null) {
            // Spans reads: gathered into the buffer it is decrypted in, in place (a view of its own, as the encoder's).
            in.getBytes(at, plaintext, 0, length);
            ciphertext = plaintext.nioBuffer(0, length);
        }
        try {
            cipher.decrypt(null, ciphertext, plaintext.internalNioBuffer(0, plaintextLength));
        } catch (GeneralSecurityException e) {
            plaintext.release();
            violation(ctx, in, "transport message rejected: " + e.getMessage());
            return;
        }
        in.skipBytes(NoiseHandshakeHandler.LENGTH_FIELD + length);
        plaintext.writerIndex(plaintextLength);
        if (plaintextLength == 0) {
            plaintext.release();
        } else {
            out.add(plaintext);
        }
    }

    /** The message's ciphertext within the read it arrived in, or {@code null} if it spans reads. */
    private static ByteBuffer whereItLies(ByteBuf in, int at, int length) {
        if (in.nioBufferCount() == 1) {
            return in.internalNioBuffer(at, length);
        }
        ByteBuffer[] parts = in.nioBuffers(at, length);
        return parts.length == 1 ? parts[0] : null;
    }

    private void violation(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        log.debug("Noise connection to {} closed: {}", ctx.channel().remoteAddress(), reason);
        ctx.fireExceptionCaught(ProtocolViolationException.connection(Noise.PROTOCOL_ID, reason));
        ctx.close();
    }
}
