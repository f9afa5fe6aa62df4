package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.memory.MemoryTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A flood of fresh peer ids, each announcing a huge agent version: the peerstore stays under its cap and keeps only a
 * bounded agent version per peer, and the host keeps serving (the hardening issue's first finding, replayed).
 */
class PeerstoreFloodTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final int CAP = 100;
    static final int FLOOD = 400;

    @Test
    void freshPeerIdsCannotGrowThePeerstorePastItsCap() {
        Host server = Peerflux.host().transport(MemoryTransport.create()).security(Noise.create())
                .muxer(Yamux.create()).handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of("/memory/0")).peerstoreCapacity(CAP).build();
        server.start().block(WAIT);
        try {
            String huge = "a".repeat(60_000);
            for (int i = 0; i < FLOOD; i++) {
                Host attacker = Peerflux.host().transport(MemoryTransport.create()).security(Noise.create())
                        .muxer(Yamux.create()).agentVersion(huge).build();
                try {
                    attacker.connect(TestHosts.address(server)).flatMap(c -> c.newStream(Echo.PROTOCOL_ID)
                            .flatMap(s -> s.reset())).block(WAIT);
                } finally {
                    attacker.stop().block(WAIT);
                }
            }
            MemoryPeerstore peerstore = (MemoryPeerstore) server.peerstore();
            assertThat(peerstore.size()).isLessThanOrEqualTo(CAP + 1);
            assertThat(server.peerstore().peers()).allSatisfy(p -> assertThat(
                    server.peerstore().agentVersion(p).orElse("")).hasSizeLessThanOrEqualTo(
                    MemoryPeerstore.MAX_AGENT_LENGTH));
            Host honest = TestHosts.memory();
            try {
                assertThat(Echo.echo(honest.connect(TestHosts.address(server)).block(WAIT),
                        new byte[100], 100).block(WAIT)).isEqualTo(100L);
            } finally {
                honest.stop().block(WAIT);
            }
        } finally {
            server.stop().block(WAIT);
        }
    }
}
