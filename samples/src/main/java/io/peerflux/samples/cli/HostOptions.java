package io.peerflux.samples.cli;

import io.peerflux.Host;
import io.peerflux.host.HostBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** {@link HostBaseOptions} plus {@code --timeout} for dials, handshakes and negotiations. */
final class HostOptions extends HostBaseOptions {

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Dial, handshake and negotiation timeout. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    HostBuilder builder(List<String> protocols) throws IOException {
        return builder(protocols, Duration.ofSeconds(timeoutSeconds));
    }

    Host build() throws IOException {
        return builder(List.of()).build();
    }
}
