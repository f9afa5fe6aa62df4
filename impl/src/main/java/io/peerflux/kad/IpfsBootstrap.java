package io.peerflux.kad;

import io.peerflux.multiaddr.Multiaddr;
import java.util.List;
import java.util.stream.Stream;

/**
 * The public IPFS (Amino DHT) bootstrap peers, as kubo lists them in {@code DefaultBootstrapAddresses}
 * (config/bootstrap_peers.go): the {@code /dnsaddr/bootstrap.libp2p.io} entries, one per peer, resolve through
 * {@link io.peerflux.dns.DnsaddrResolver}; {@code mars.i.ipfs.io} is listed by IP. For applications that join the
 * public network; Peerflux's tests never dial them (a unit test only checks that they parse).
 */
public final class IpfsBootstrap {

    /** Each address ends with the peer id it must reach; copied from kubo, in kubo's order. */
    public static final List<Multiaddr> ADDRESSES = Stream.of(
                    "/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
                    "/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa",
                    "/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb",
                    "/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt",
                    "/dnsaddr/va1.bootstrap.libp2p.io/p2p/12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8",
                    "/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ",
                    "/ip4/104.131.131.82/udp/4001/quic-v1/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ")
            .map(Multiaddr::of)
            .toList();

    private IpfsBootstrap() {
    }
}
