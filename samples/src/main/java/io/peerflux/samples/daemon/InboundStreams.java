package io.peerflux.samples.daemon;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.peerflux.Host;
import io.peerflux.Stream;
import io.peerflux.multiaddr.Multiaddr;
import java.net.SocketAddress;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Forwards inbound streams to control clients (CONTROL.md "StreamHandler"): for each stream on a registered
 * protocol the daemon connects to the address the client registered, writes a varint-delimited {@code StreamInfo}
 * (not wrapped in a {@code Response}), then pipes the stream through that connection. A later registration of the
 * same protocol replaces the earlier one.
 *
 * <p>When the client cannot be reached the stream is reset; other streams are unaffected.
 */
final class InboundStreams {

    private final Host host;

    InboundStreams(Host host) {
        this.host = host;
    }

    /**
     * Routes inbound streams on {@code protocols} to the client listening at {@code client}.
     *
     * @throws IllegalArgumentException if {@code client} is neither a TCP nor a unix socket address
     */
    void register(Multiaddr client, List<String> protocols) {
        SocketAddress address = ControlAddress.toSocketAddress(client);
        for (String protocol : protocols) {
            host.handle(protocol, stream -> forward(stream, address));
        }
    }

    private static Mono<Void> forward(Stream stream, SocketAddress client) {
        return ControlAddress.dial(client).flatMap(connection -> {
            Channel channel = connection.channel();
            StreamPipe pipe = new StreamPipe(stream, Unpooled.EMPTY_BUFFER, false);
            channel.eventLoop().execute(() -> {
                channel.writeAndFlush(ControlFrames.encode(ControlRequests.streamInfo(stream), channel.alloc()));
                channel.pipeline().addLast("daemon-stream", pipe);
            });
            return pipe.done();
        });
    }
}
