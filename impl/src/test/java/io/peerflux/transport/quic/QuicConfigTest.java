package io.peerflux.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.multiaddr.Multiaddr;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuicConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        QuicConfig config = QuicConfig.defaults();
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxInboundStreams()).isEqualTo(256);
        assertThat(config.streamReceiveWindow()).isEqualTo(1 << 20);
        assertThat(config.connectionReceiveWindow()).isEqualTo(16 << 20);
        assertThat(config.maxConnectionsPerListener()).isEqualTo(1024);
        assertThat(config.maxResetStreams()).isEqualTo(10_000);
    }

    @Test
    void withersCopyAndValidate() {
        QuicConfig changed = QuicConfig.defaults().withMaxInboundStreams(4).withIdleTimeout(Duration.ofSeconds(5));
        assertThat(changed.maxInboundStreams()).isEqualTo(4);
        assertThat(changed.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(QuicConfig.defaults().maxInboundStreams()).isEqualTo(256);
        assertThatThrownBy(() -> QuicConfig.defaults().withIdleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuicConfig.defaults().withStreamReceiveWindow(1000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuicConfig.defaults().withMaxConnectionsPerListener(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuicConfig.defaults().withMaxResetStreams(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quicUnderstandsOnlyQuicV1Addresses() {
        Quic quic = Quic.create();
        assertThat(quic.canListen(Multiaddr.of("/ip4/0.0.0.0/udp/0/quic-v1"))).isTrue();
        assertThat(quic.canListen(Multiaddr.of("/ip6/::/udp/4001/quic-v1"))).isTrue();
        assertThat(quic.canDial(Multiaddr.of("/ip4/1.2.3.4/udp/4001/quic-v1/p2p/"
                + "12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv"))).isTrue();
        assertThat(quic.canDial(Multiaddr.of("/ip4/1.2.3.4/udp/4001/quic"))).isFalse();
        assertThat(quic.canDial(Multiaddr.of("/ip4/1.2.3.4/tcp/4001"))).isFalse();
        assertThat(quic.canListen(Multiaddr.of("/dns4/example.com/udp/4001/quic-v1"))).isFalse();
        assertThat(quic.canListen(Multiaddr.of("/ip4/1.2.3.4/udp/4001/quic-v1/webtransport"))).isFalse();
    }
}
