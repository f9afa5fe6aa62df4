package io.peerflux.security.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.util.concurrent.Future;
import io.peerflux.HandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A TLS server's first handler on BoringSSL: waits for the ClientHello, reads the client's ALPN offer from it, selects
 * the client's first offer that this server supports ({@link TlsIdentity#select}), and replaces itself with an
 * {@link io.netty.handler.ssl.SslHandler} whose engine can only select that protocol, handing it the ClientHello.
 * When the client offers ALPN but nothing in common, it sends a {@code no_application_protocol} alert and fails the
 * handshake, as RFC 7301 section 3.2 demands. Anything that is not a readable ClientHello goes to the engine, which
 * rejects it.
 *
 * <p>Needed because BoringSSL's selector, as netty-tcnative sets it up, prefers the server's order and never aborts.
 *
 * <p>Ownership: the ClientHello bytes it buffers pass to the SslHandler that replaces it, or are released when the
 * channel closes.
 */
final class ClientHelloAlpnHandler extends SslClientHelloHandler<String> {

    /** Longest ClientHello accepted: far above the ~2 KiB that post-quantum key shares make. */
    static final int MAX_CLIENT_HELLO_LENGTH = 32 * 1024;

    private static final int RANDOM_LENGTH = 32;
    private static final int VERSION_LENGTH = 2;
    private static final int ALPN_EXTENSION = 16;
    /** A TLS 1.2-framed plaintext record: alert, fatal, no_application_protocol (RFC 8446 section 6). */
    private static final byte[] NO_APPLICATION_PROTOCOL_ALERT = {21, 3, 3, 0, 2, 2, 120};

    private final OpenSslTlsIdentity identity;
    private final List<String> muxers;

    ClientHelloAlpnHandler(OpenSslTlsIdentity identity, List<String> muxers) {
        super(MAX_CLIENT_HELLO_LENGTH);
        this.identity = identity;
        this.muxers = muxers;
    }

    @Override
    protected Future<String> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
        List<String> offered = clientHello == null ? null : offeredProtocols(clientHello);
        if (offered == null) {
            return ctx.executor().newSucceededFuture(Tls.ALPN_LIBP2P); // no ALPN: any context serves
        }
        String selected = TlsIdentity.select(offered, muxers);
        if (selected == null) {
            return ctx.executor().newFailedFuture(HandshakeException.invalid(
                    "no application protocol in common: the client offered " + offered));
        }
        return ctx.executor().newSucceededFuture(selected);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<String> selection) {
        if (selection.isSuccess()) {
            ctx.pipeline().replace(this, Tls.SSL_NAME, identity.newServerHandler(ctx.alloc(), selection.getNow()));
        } else {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(NO_APPLICATION_PROTOCOL_ALERT));
            ctx.fireExceptionCaught(selection.cause());
        }
    }

    /**
     * The protocols of the ALPN extension in a ClientHello body (RFC 8446 section 4.1.2, RFC 7301 section 3.1), in
     * the client's order; {@code null} when there is no ALPN extension or the message is malformed (the engine then
     * judges it). Reads without moving {@code clientHello}'s indices.
     */
    static List<String> offeredProtocols(ByteBuf clientHello) {
        Reader in = new Reader(clientHello);
        in.skip(VERSION_LENGTH + RANDOM_LENGTH);
        in.skip(in.uint8()); // legacy_session_id
        in.skip(in.uint16()); // cipher_suites
        in.skip(in.uint8()); // legacy_compression_methods
        int extensionsEnd = in.end(in.uint16());
        while (in.ok() && in.position() < extensionsEnd) {
            int type = in.uint16();
            int length = in.uint16();
            if (type != ALPN_EXTENSION) {
                in.skip(length);
                continue;
            }
            int extensionEnd = in.end(length);
            int listEnd = in.end(in.uint16());
            List<String> protocols = new ArrayList<>();
            while (in.ok() && in.position() < listEnd) {
                String protocol = in.string(in.uint8());
                if (protocol != null) {
                    protocols.add(protocol);
                }
            }
            return in.ok() && listEnd == extensionEnd && in.position() == listEnd ? protocols : null;
        }
        return null;
    }

    /** Reads big-endian fields from a buffer, without moving its indices; past its end it only reports failure. */
    private static final class Reader {
        private final ByteBuf buffer;
        private final int limit;
        private int position;
        private boolean ok = true;

        Reader(ByteBuf buffer) {
            this.buffer = buffer;
            this.position = buffer.readerIndex();
            this.limit = buffer.writerIndex();
        }

        boolean ok() {
            return ok;
        }

        int position() {
            return position;
        }

        /** The position {@code length} bytes ahead, where a field of that length ends. */
        int end(int length) {
            if (position + length > limit) {
                ok = false;
            }
            return position + length;
        }

        void skip(int length) {
            position = end(length);
        }

        int uint8() {
            return available(1) ? buffer.getUnsignedByte(position++) : 0;
        }

        int uint16() {
            if (!available(2)) {
                return 0;
            }
            int value = buffer.getUnsignedShort(position);
            position += 2;
            return value;
        }

        String string(int length) {
            if (!available(length)) {
                return null;
            }
            String value = buffer.toString(position, length, StandardCharsets.UTF_8);
            position += length;
            return value;
        }

        private boolean available(int length) {
            if (!ok || position + length > limit) {
                ok = false;
                return false;
            }
            return true;
        }
    }
}
