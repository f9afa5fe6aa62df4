package io.peerflux.security.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.security.SecureSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.assertj.core.api.Assertions;

/** Whatever a remote sends, TLS fails with a typed error, closes, and leaks nothing. */
class TlsFuzzTest {

    private static final Tls TLS = Tls.create();
    private static final PrivateKey IDENTITY = PrivateKey.generateEd25519();
    /** A TLS 1.3 handshake record header: type 22, legacy version 3.1, then the length. */
    private static final byte[] HANDSHAKE_RECORD = {22, 3, 1};

    @Property(tries = 300)
    void randomBytesIntoAServer(@ForAll @Size(max = 6) List<@Size(max = 300) byte[]> reads) {
        assertHandshakeFails(false, reads, false);
    }

    @Property(tries = 300)
    void randomHandshakeRecordsIntoAServer(@ForAll @Size(max = 4) List<@Size(max = 300) byte[]> records) {
        assertHandshakeFails(false, records, true);
    }

    @Property(tries = 300)
    void randomHandshakeRecordsIntoAClient(@ForAll @Size(max = 4) List<@Size(max = 300) byte[]> records) {
        assertHandshakeFails(true, records, true);
    }

    /**
     * Feeds the chunks (as handshake records if {@code framed}) to one side, then closes the connection: the
     * handshake must have failed by then, with a {@link HandshakeException}, and the channel must be closed.
     */
    private static void assertHandshakeFails(boolean client, List<byte[]> chunks, boolean framed) {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            CompletableFuture<SecureSession> result = TLS.secure(channel, client, IDENTITY, null, List.of())
                    .toFuture();
            releaseOutbound(channel);
            for (byte[] chunk : chunks) {
                if (!channel.isOpen()) {
                    break;
                }
                ByteBuf in = framed
                        ? Unpooled.buffer().writeBytes(HANDSHAKE_RECORD).writeShort(chunk.length).writeBytes(chunk)
                        : Unpooled.wrappedBuffer(chunk);
                try {
                    channel.writeInbound(in);
                } catch (RuntimeException e) {
                    Assertions.fail("threw on the event loop", e);
                }
                releaseOutbound(channel);
            }
            channel.close();
            releaseOutbound(channel);

            assertThat(result).isDone();
            try {
                result.get();
                Assertions.fail("random bytes completed a handshake");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(HandshakeException.class);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertThat(channel.isOpen()).isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void releaseOutbound(EmbeddedChannel channel) {
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ((ByteBuf) out).release();
        }
    }
}
