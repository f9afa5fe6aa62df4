package io.peerflux.benchmarks.compare;

import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.perf.Perf;
import io.peerflux.protocol.perf.PerfResult;
import io.peerflux.security.noise.Noise;
import io.peerflux.security.tls.Tls;
import io.peerflux.transport.quic.Quic;
import io.peerflux.transport.tcp.Tcp;
import java.time.Duration;

/**
 * The Peerflux side of a measurement, in the driver's own JVM so that it stays warm from one round to the next as
 * the listeners and the js client do: two hosts that live as long as the comparison, one offering Noise (over TCP
 * and QUIC), one offering TLS, both Yamux. Each measurement is one {@code /perf/1.0.0} run on a new connection.
 */
final class PeerfluxClient implements AutoCloseable {

    private static final Duration START_STOP = Duration.ofSeconds(30);

    private final Host noise = Peerflux.host().transport(Tcp.create()).transport(Quic.create())
            .security(Noise.create()).muxer(Yamux.create()).build();
    private final Host tls = Peerflux.host().transport(Tcp.create()).security(Tls.create()).muxer(Yamux.create())
            .build();

    PeerfluxClient() {
        noise.start().block(START_STOP);
        tls.start().block(START_STOP);
    }

    /** Dials {@code address} (with its {@code /p2p} part) and runs perf once; the connection is closed after. */
    PerfResult perf(String address, boolean overTls, long upload, long download, Duration timeout) {
        Connection connection = (overTls ? tls : noise).connect(Multiaddr.of(address)).block(timeout);
        try {
            return Perf.run(connection, upload, download).block(timeout);
        } finally {
            connection.close().block(timeout);
        }
    }

    @Override
    public void close() {
        noise.stop().block(START_STOP);
        tls.stop().block(START_STOP);
    }
}
