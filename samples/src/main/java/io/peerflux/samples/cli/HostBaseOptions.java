package io.peerflux.samples.cli;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.mux.mplex.Mplex;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.perf.Perf;
import io.peerflux.security.noise.Noise;
import io.peerflux.security.tls.Tls;
import io.peerflux.transport.quic.Quic;
import io.peerflux.transport.tcp.Tcp;
import io.peerflux.transport.ws.WebSocketTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Identity, secure channels and muxers: what every subcommand that builds a host shares. {@link HostOptions} adds the
 * dial timeout; {@code peerflux dht} has its own {@code --timeout}, for the whole query.
 */
class HostBaseOptions {

    @Option(names = "--identity", paramLabel = "FILE",
            description = "Private key file (libp2p protobuf encoding); created with a new Ed25519 key if missing.")
    Path identity;

    @Option(names = "--security", split = ",", paramLabel = "LIST", defaultValue = "noise",
            description = "Secure channels to offer, in preference order (noise, tls). Default: ${DEFAULT-VALUE}.")
    List<String> security;

    @Option(names = "--muxer", split = ",", paramLabel = "LIST", defaultValue = "yamux",
            description = "Stream muxers to offer, in preference order (yamux, mplex). Default: ${DEFAULT-VALUE}.")
    List<String> muxers;

    /** A host builder with these options, serving {@code protocols}, each dial and handshake within {@code timeout}. */
    HostBuilder builder(List<String> protocols, Duration timeout) throws IOException {
        HostBuilder builder = Peerflux.host()
                .identity(loadIdentity())
                .transport(Tcp.create())
                .transport(WebSocketTransport.create())
                .transport(Quic.create())
                .dialTimeout(timeout)
                .handshakeTimeout(timeout)
                .negotiationTimeout(timeout);
        for (String name : security) {
            switch (name) {
                case "noise" -> builder.security(Noise.create());
                case "tls" -> builder.security(Tls.create());
                default -> throw new IllegalArgumentException("unsupported secure channel: " + name);
            }
        }
        for (String name : muxers) {
            switch (name) {
                case "yamux" -> builder.muxer(Yamux.create());
                case "mplex" -> builder.muxer(Mplex.create());
                default -> throw new IllegalArgumentException("unsupported muxer: " + name);
            }
        }
        for (String name : protocols) {
            switch (name) {
                case "echo" -> builder.handle(Echo.PROTOCOL_ID, Echo.handler());
                case "perf" -> builder.handle(Perf.PROTOCOL_ID, Perf.handler());
                default -> throw new IllegalArgumentException("unsupported protocol: " + name);
            }
        }
        return builder;
    }

    private PrivateKey loadIdentity() throws IOException {
        if (identity == null) {
            return PrivateKey.generateEd25519();
        }
        if (Files.exists(identity)) {
            return PrivateKey.unmarshal(Files.readAllBytes(identity));
        }
        PrivateKey key = PrivateKey.generateEd25519();
        Files.write(identity, key.marshal());
        try {
            Files.setPosixFilePermissions(identity, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the file keeps its default permissions.
        }
        return key;
    }
}
