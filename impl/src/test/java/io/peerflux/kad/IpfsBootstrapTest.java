package io.peerflux.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import org.junit.jupiter.api.Test;

/** The public bootstrap list parses; nothing here touches the network. */
class IpfsBootstrapTest {

    @Test
    void everyAddressParsesAndNamesItsPeer() {
        assertThat(IpfsBootstrap.ADDRESSES).hasSize(7).doesNotHaveDuplicates()
                .allSatisfy(address -> assertThat(address.peerIdBytes()).isPresent());
        assertThat(IpfsBootstrap.ADDRESSES).filteredOn(address -> address.has(Protocol.DNSADDR)).hasSize(5);
        assertThat(IpfsBootstrap.ADDRESSES).contains(
                Multiaddr.of("/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ"));
    }
}
