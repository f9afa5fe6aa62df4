package io.peerflux.samples.cli;

import io.peerflux.kad.DhtMode;
import io.peerflux.kad.KademliaConfig;
import io.peerflux.kad.record.AcceptAnyValidator;
import io.peerflux.kad.record.Validators;
import io.peerflux.multiaddr.Multiaddr;
import java.util.List;
import picocli.CommandLine.Option;

/** The DHT settings {@code peerflux node} and {@code peerflux dht} share: which DHT to join, which records to accept. */
final class DhtOptions {

    @Option(names = "--dht-protocol", paramLabel = "ID", defaultValue = KademliaConfig.IPFS_PROTOCOL_ID,
            description = "The DHT's protocol id, for a private DHT. Default: ${DEFAULT-VALUE}.")
    String protocolId;

    @Option(names = "--dht-namespace", paramLabel = "NS",
            description = "Accept any value under /NS/, and of several values for one key the first found: for private "
                    + "or test namespaces, whose values nobody checks. /pk/ and /ipns/ are always validated. "
                    + "Repeatable.")
    List<String> namespaces = List.of();

    /** The DHT's configuration: the defaults, with these options, {@code mode} and the {@code bootstrap} peers. */
    KademliaConfig config(DhtMode mode, List<Multiaddr> bootstrap) {
        Validators validators = Validators.defaults();
        for (String namespace : namespaces) {
            validators = validators.withNamespace(namespace, new AcceptAnyValidator());
        }
        return KademliaConfig.defaults().withMode(mode).withProtocolId(protocolId).withValidators(validators)
                .withBootstrap(bootstrap);
    }
}
