package io.peerflux.security.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CoalescingBufferQueue;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.ConnectionClosedException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts outbound {@code ByteBuf}s into Noise transport messages:
 *
 * <pre>
 * +----------------+--------------------------------------+
 * | length: uint16 | ChaChaPoly(plaintext) || tag (16 B)  |   length = plaintext + 16 &lt;= 65535
 * +----------------+--------------------------------------+
 * </pre>
 *
 * Writes are queued until {@code flush}, then coalesced into as few messages as fit (at most
 * {@link #MAX_PLAINTEXT} bytes of plaintext each), so a muxer header written just before its data shares one
 * message and one tag with it. Queued bytes count against the channel's writability.
 *
 * <p>With a cipher that {@linkplain CipherState#buffersParts() buffers parts} a message is encrypted from one buffer,
 * so the small writes of a message are gathered (copied) first. A write of at least {@value #DIRECT} bytes is never
 * gathered: it is encrypted from where it lies, in messages that end where it ends. The message before it takes only
 * its first few bytes (the length modulo {@link #MAX_PLAINTEXT}, when at most {@value #FOLD}), so a 64 KiB write
 * after a muxer header costs one small message and one full one, as it would coalesced, without the 64 KiB copy.
 * Below {@value #DIRECT} bytes the message more (a tag, and a cipher call on both ends) would cost about what the
 * copy costs.
 *
 * <p>Sits in the pipeline from the start of the handshake: writes that arrive before {@link #activate} are held and
 * encrypted once the transport cipher exists. If encryption fails (which only happens when the 2<sup>64</sup>-1
 * nonces are used up) the connection is closed rather than a nonce reused.
 *
 * <p>Ownership: takes every written {@code ByteBuf}; each is released once encrypted, or when the channel closes,
 * with its promise failed.
 */
final class NoiseTransportEncoder extends ChannelOutboundHandlerAdapter {

    static final int MAX_PLAINTEXT = NoiseHandshake.MAX_MESSAGE_LENGTH - CipherState.TAG_LENGTH;
    static final int DIRECT = 32 * 1024;
    private static final int FOLD = 1024;
    private static final Logger log = LoggerFactory.getLogger(NoiseTransportEncoder.class);

    private ChannelHandlerContext ctx;
    private CoalescingBufferQueue pending;
    /** The lengths of the non-empty writes in {@link #pending}, the first less {@link #headTaken} already sent. */
    private final ArrayDeque<Integer> lengths = new ArrayDeque<>();
    private int headTaken;
    private CipherState cipher;
    private boolean failed;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pending = new CoalescingBufferQueue(ctx.channel(), 4, true);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        pending.releaseAndFailAll(ConnectionClosedException.of(ctx.channel(), null));
        lengths.clear();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf data)) {
            ReferenceCountUtil.release(msg);
            promise.setFailure(new IllegalArgumentException("Noise encrypts ByteBufs only, not " + msg.getClass()));
        } else if (failed) {
            data.release();
            promise.setFailure(ConnectionClosedException.of(ctx.channel(), null));
        } else {
            if (data.isReadable()) {
                lengths.add(data.readableBytes());
            }
            pending.add(data, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (cipher != null) {
            encryptPending(ctx);
        }
        ctx.flush();
    }

    /** Starts encrypting with the handshake's send cipher; what was written before then is sent now. */
    void activate(CipherState sendCipher) {
        this.cipher = sendCipher;
        if (!pending.isEmpty()) {
            encryptPending(ctx);
            ctx.flush();
        }
    }

    private void encryptPending(ChannelHandlerContext ctx) {
        while (!failed && !pending.isEmpty()) {
            ChannelPromise promise = ctx.newPromise();
            ByteBuf plaintext = pending.remove(nextMessageLength(), promise);
            int length = plaintext.readableBytes();
            sent(length);
            if (length == 0) {
                plaintext.release();
                promise.setSuccess();
                continue;
            }
            int messageLength = length + CipherState.TAG_LENGTH;
            ByteBuf frame = ctx.alloc().ioBuffer(NoiseHandshakeHandler.LENGTH_FIELD + messageLength);
            try {
                frame.writeShort(messageLength);
                int at = frame.writerIndex();
                ByteBuffer[] parts = plaintextParts(plaintext, frame, at);
                cipher.encrypt(null, parts, frame.internalNioBuffer(at, messageLength));
                frame.writerIndex(frame.writerIndex() + messageLength);
            } catch (GeneralSecurityException e) {
                frame.release();
                fail(ctx, promise, e);
                return;
            } finally {
                plaintext.release();
            }
            ctx.write(frame, promise);
        }
    }

    /** How many queued bytes the next message takes (see the class comment). */
    private int nextMessageLength() {
        if (!cipher.buffersParts()) {
            return MAX_PLAINTEXT;
        }
        int gathered = 0;
        int taken = headTaken;
        for (int length : lengths) {
            int remaining = length - taken;
            taken = 0;
            if (remaining < DIRECT) {
                gathered += remaining;
                if (gathered >= MAX_PLAINTEXT) {
                    return MAX_PLAINTEXT;
                }
                continue;
            }
            int lead = remaining % MAX_PLAINTEXT;
            if (gathered == 0) {
                return lead == 0 ? MAX_PLAINTEXT : lead;
            }
            return lead <= FOLD && gathered + lead <= MAX_PLAINTEXT ? gathered + lead : gathered;
        }
        return MAX_PLAINTEXT;
    }

    private void sent(int bytes) {
        while (bytes > 0) {
            int rest = lengths.element() - headTaken;
            if (bytes < rest) {
                headTaken += bytes;
                return;
            }
            lengths.remove();
            headTaken = 0;
            bytes -= rest;
        }
    }

    /**
     * What to encrypt. A cipher that {@linkplain CipherState#buffersParts() buffers parts} gets a message of several
     * writes gathered into {@code frame} at {@code at}, where it is then encrypted in place: the JCA's ByteBuffer
     * operations are copy-safe, so input and output may share memory. One copy, into the buffer that is sent anyway,
     * is cheaper than Conscrypt's way with parts (it buffers every {@code update} on the heap, then encrypts from and
     * into heap arrays), and than gathering into a buffer of its own first.
     */
    private ByteBuffer[] plaintextParts(ByteBuf plaintext, ByteBuf frame, int at) {
        if (!cipher.buffersParts() || plaintext.nioBufferCount() == 1) {
            return plaintext.nioBuffers();
        }
        int length = plaintext.readableBytes();
        // Copied part by part: setBytes from a composite would first gather it into a new heap buffer.
        plaintext.getBytes(plaintext.readerIndex(), frame, at, length);
        // A view of its own: the cipher refuses one ByteBuffer object as both input and output.
        return new ByteBuffer[] {frame.nioBuffer(at, length)};
    }

    private void fail(ChannelHandlerContext ctx, ChannelPromise promise, GeneralSecurityException cause) {
        failed = true;
        log.debug("Noise cannot encrypt for {}, closing: {}", ctx.channel().remoteAddress(), cause.getMessage());
        ConnectionClosedException closed = ConnectionClosedException.of(ctx.channel(), cause);
        promise.setFailure(closed);
        pending.releaseAndFailAll(closed);
        lengths.clear();
        ctx.close();
    }
}
