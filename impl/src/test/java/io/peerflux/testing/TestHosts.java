package io.peerflux.testing;

import io.peerflux.Host;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.noise.Noise;
import io.peerflux.transport.Transport;
import io.peerflux.transport.memory.MemoryTransport;
import io.peerflux.transport.quic.Quic;
import io.peerflux.transport.tcp.Tcp;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Throwaway hosts for tests. */
public final class TestHosts {

    private TestHosts() {
    }

    /** A TCP + Noise + Yamux host serving echo, listening on an ephemeral loopback port, started. */
    public static Host tcp() {
        return tcp(b -> b);
    }

    /** Like {@link #tcp()}, with further settings applied to the builder. */
    public static Host tcp(UnaryOperator<HostBuilder> customize) {
        return started(customize.apply(echoHost(Tcp.create(), "/ip4/127.0.0.1/tcp/0")));
    }

    /** A QUIC v1 host serving echo, listening on an ephemeral loopback UDP port, started. */
    public static Host quic() {
        return started(echoHost(Quic.create(), "/ip4/127.0.0.1/udp/0/quic-v1"));
    }

    /** The host's first listen address with its {@code /p2p} suffix. */
    public static Multiaddr address(Host host) {
        return Multiaddr.of(host.listenAddresses().get(0) + "/p2p/" + host.peerId());
    }

    // ---- memory transport ----

    /** A memory transport + Noise + Yamux host serving echo, listening on a fresh {@code /memory} id, started. */
    public static Host memory() {
        return started(echoHost(MemoryTransport.create(), "/memory/0"));
    }

    /** Noise + Yamux (QUIC brings its own security and muxing) on {@code transport}, serving echo. */
    private static HostBuilder echoHost(Transport transport, String listen) {
        return Peerflux.host()
                .transport(transport)
                .security(Noise.create())
                .muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of(listen));
    }

    private static Host started(HostBuilder builder) {
        Host host = builder.build();
        host.start().block(Duration.ofSeconds(10));
        return host;
    }
}
