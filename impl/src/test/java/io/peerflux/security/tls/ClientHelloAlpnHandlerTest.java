package io.peerflux.security.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslProvider;
import io.peerflux.crypto.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reading the client's ALPN offer from a ClientHello: real ones from both engines, and whatever else arrives. */
class ClientHelloAlpnHandlerTest {

    private static final String YAMUX = "/yamux/1.0.0";
    private static final String MPLEX = "/mplex/6.7.0";
    /** Record header (5 bytes) and handshake header (4 bytes) in front of the ClientHello body. */
    private static final int HEADERS = 9;
    private static final PrivateKey KEY = PrivateKey.generateEd25519();
    private static final byte[] BORINGSSL_HELLO = clientHelloBody(SslProvider.OPENSSL, List.of(YAMUX, MPLEX));

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void readsTheOfferOfEachEngineInTheClientsOrder(SslProvider provider) {
        byte[] hello = clientHelloBody(provider, List.of(YAMUX, MPLEX));
        assertThat(ClientHelloAlpnHandler.offeredProtocols(Unpooled.wrappedBuffer(hello)))
                .containsExactly(YAMUX, MPLEX, Tls.ALPN_LIBP2P);
    }

    @Property(tries = 200)
    void truncatedClientHellosAreUnreadable(@ForAll @IntRange(min = 0, max = 2000) int length) {
        byte[] truncated = Arrays.copyOf(BORINGSSL_HELLO, Math.min(length, BORINGSSL_HELLO.length - 1));
        assertThat(ClientHelloAlpnHandler.offeredProtocols(Unpooled.wrappedBuffer(truncated))).isNull();
    }

    @Property(tries = 1000)
    void corruptedClientHellosNeverThrow(@ForAll @IntRange(min = 0, max = 511) int index, @ForAll byte value) {
        byte[] corrupted = BORINGSSL_HELLO.clone();
        corrupted[index % corrupted.length] = value;
        ClientHelloAlpnHandler.offeredProtocols(Unpooled.wrappedBuffer(corrupted));
    }

    @Property(tries = 1000)
    void randomBytesNeverThrow(@ForAll @Size(max = 600) byte[] bytes) {
        ClientHelloAlpnHandler.offeredProtocols(Unpooled.wrappedBuffer(bytes));
    }

    @Property(tries = 300)
    void handCraftedOffersAreReadInOrder(
            @ForAll @Size(max = 5) List<@AlphaChars @StringLength(min = 1, max = 40) String> names) {
        ByteBuf list = Unpooled.buffer();
        for (String name : names) {
            list.writeByte(name.length()).writeCharSequence(name, StandardCharsets.US_ASCII);
        }
        ByteBuf hello = Unpooled.buffer()
                .writeShort(0x0303).writeZero(32) // version, random
                .writeByte(0) // session id
                .writeShort(2).writeShort(0x1301) // one cipher suite
                .writeByte(1).writeByte(0); // null compression
        int extensionsLength = 4 + 2 + list.readableBytes() + 4;
        hello.writeShort(extensionsLength)
                .writeShort(0x000b).writeShort(0) // another (empty) extension first
                .writeShort(16).writeShort(2 + list.readableBytes()).writeShort(list.readableBytes()).writeBytes(list);

        assertThat(ClientHelloAlpnHandler.offeredProtocols(hello)).isEqualTo(names);
        assertThat(hello.readerIndex()).isZero();
        hello.writerIndex(hello.writerIndex() - 1);
        assertThat(ClientHelloAlpnHandler.offeredProtocols(hello)).as("one byte short").isNull();
    }

    /** The ClientHello body that a client of {@code provider} sends, offering {@code muxers}. */
    private static byte[] clientHelloBody(SslProvider provider, List<String> muxers) {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            TlsIdentity identity = TlsIdentity.create(KEY, Libp2pCertificate.Randomness.DRBG, provider);
            channel.pipeline().addLast(identity.newHandler(channel.alloc(), true, muxers));
            ByteBuf sent = Unpooled.buffer();
            for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
                sent.writeBytes(out);
                out.release();
            }
            assertThat(sent.getByte(0)).as("handshake record").isEqualTo((byte) 22);
            assertThat(sent.getByte(5)).as("ClientHello").isEqualTo((byte) 1);
            int length = sent.getUnsignedMedium(6);
            byte[] body = new byte[length];
            sent.getBytes(HEADERS, body);
            sent.release();
            return body;
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
