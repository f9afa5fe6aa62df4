package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.Connection;
import io.peerflux.DialException;
import io.peerflux.Direction;
import io.peerflux.Host;
import io.peerflux.mux.mplex.Mplex;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.tls.Tls;
import io.peerflux.testing.Eventually;
import io.peerflux.testing.RunningHosts;
import io.peerflux.testing.TestHosts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** User operators in the upgrade chain: their order, threads and views, and steps that answer late or never. */
class UpgradeStepTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final RunningHosts hosts = new RunningHosts();

    Host host(UnaryOperator<HostBuilder> customize) {
        return hosts.tcp(customize);
    }

    /** Records each stage as "stage:detail@thread". */
    static final class Recorder implements UpgradeStep {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final Map<String, UpgradeStep.Raw> raws = new ConcurrentHashMap<>();

        @Override
        public Mono<Dial> dial(Mono<Dial> dial) {
            return dial.doOnNext(d -> seen.add("dial:" + d.peer()));
        }

        @Override
        public Mono<Raw> raw(Mono<Raw> raw) {
            return raw.doOnNext(r -> {
                raws.put(r.id(), r);
                seen.add("raw:" + r.direction() + ":" + r.id() + "@" + Thread.currentThread().getName());
            });
        }

        @Override
        public Mono<Secured> secured(Mono<Secured> secured) {
            return secured.doOnNext(s -> seen.add("secured:" + s.remotePeer() + ":" + s.security() + ":"
                    + s.raw().id() + "@" + Thread.currentThread().getName()));
        }

        @Override
        public Mono<Connection> upgraded(Mono<Connection> connection) {
            return connection.doOnNext(c -> seen.add("upgraded:" + c.remotePeer() + ":" + c.id() + "@"
                    + Thread.currentThread().getName()));
        }
    }

    @Test
    void everyStageRunsInOrderOnTheConnectionsEventLoopInBothDirections() {
        Recorder serverSteps = new Recorder();
        Recorder clientSteps = new Recorder();
        Host server = host(b -> b.upgradeStep(serverSteps));
        Host client = host(b -> b.upgradeStep(clientSteps));

        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
        Eventually.await(() -> server.connections().size() == 1, TIMEOUT);
        Connection inbound = server.connections().get(0);

        String loop = "@" + clientSteps.seen.get(1).split("@")[1];
        assertThat(clientSteps.seen).containsExactly(
                "dial:" + server.peerId(),
                "raw:OUTBOUND:" + connection.id() + loop,
                "secured:" + server.peerId() + ":/noise:" + connection.id() + loop,
                "upgraded:" + server.peerId() + ":" + connection.id() + loop);
        assertThat(loop).doesNotContain(Thread.currentThread().getName());
        String serverLoop = "@" + serverSteps.seen.get(0).split("@")[1];
        assertThat(serverSteps.seen).containsExactly(
                "raw:INBOUND:" + inbound.id() + serverLoop,
                "secured:" + client.peerId() + ":/noise:" + inbound.id() + serverLoop,
                "upgraded:" + client.peerId() + ":" + inbound.id() + serverLoop);

        UpgradeStep.Raw raw = clientSteps.raws.get(connection.id());
        assertThat(raw.remoteAddress()).isEqualTo(connection.remoteAddress());
        assertThat(raw.expectedPeer()).isEqualTo(server.peerId());
        assertThat(serverSteps.raws.get(inbound.id()).direction()).isEqualTo(Direction.INBOUND);
        Mono<Void> closed = raw.onClose().cache();
        closed.subscribe();
        connection.close().block(TIMEOUT);
        closed.block(TIMEOUT);
    }

    /** Delays every stage on another thread, so that the host must keep what the remote pipelined meanwhile. */
    static final class Late implements UpgradeStep {
        static final Duration DELAY = Duration.ofMillis(50);

        @Override
        public Mono<Raw> raw(Mono<Raw> raw) {
            return raw.delayElement(DELAY, Schedulers.parallel());
        }

        @Override
        public Mono<Secured> secured(Mono<Secured> secured) {
            return secured.delayElement(DELAY, Schedulers.parallel());
        }

        @Override
        public Mono<Connection> upgraded(Mono<Connection> connection) {
            return connection.delayElement(DELAY, Schedulers.parallel());
        }
    }

    /** One side's steps answer late while the other side, without steps, sends at once. */
    @Test
    void stepsThatAnswerLateLoseNoBytesWithNoiseTlsYamuxAndMplex() {
        List<UnaryOperator<HostBuilder>> stacks = List.of(
                b -> b,
                b -> b.security(Tls.create()),
                b -> b.muxer(Mplex.create()));
        for (UnaryOperator<HostBuilder> stack : stacks) {
            for (boolean lateServer : List.of(true, false)) {
                Host server = host(b -> lateServer ? stack.apply(b).upgradeStep(new Late()) : stack.apply(b));
                Host client = host(b -> lateServer ? stack.apply(b) : stack.apply(b).upgradeStep(new Late()));
                Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
                // With a late server, the first stream opens while its upgraded stage still waits: it is served
                // once the stage passes.
                assertThat(Echo.echo(connection, new byte[300_000], 16 * 1024).block(TIMEOUT)).isEqualTo(300_000);
                assertThat(connection.identify().block(TIMEOUT).agentVersion()).startsWith("peerflux/");
            }
        }
    }

    @Test
    void lateStepsSurviveNegotiationsThroughRefusedProposals() {
        // Server speaks only TLS + mplex; client prefers Noise + Yamux but offers both: the late steps must not
        // disturb a negotiation that goes through "na" answers.
        Host server = host(b -> Peerflux.host().transport(io.peerflux.transport.tcp.Tcp.create())
                .security(Tls.create()).muxer(Mplex.create()).handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(io.peerflux.multiaddr.Multiaddr.of("/ip4/127.0.0.1/tcp/0")).upgradeStep(new Late()));
        Host client = host(b -> b.security(Tls.create()).muxer(Mplex.create()).upgradeStep(new Late()));
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
        assertThat(connection.security()).isEqualTo(Tls.PROTOCOL_ID);
        assertThat(Echo.echo(connection, new byte[10_000], 1000).block(TIMEOUT)).isEqualTo(10_000);
    }

    @Test
    void aStepThatNeverAnswersClosesTheConnectionAfterTheHandshakeTimeout() {
        UpgradeStep silent = new UpgradeStep() {
            @Override
            public Mono<Secured> secured(Mono<Secured> secured) {
                return Mono.never();
            }
        };
        Host server = host(b -> b.handshakeTimeout(Duration.ofMillis(300)).upgradeStep(silent));
        Host client = host(b -> b);
        // The client's side completes (it has no steps); the server closes the connection it never admitted.
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
        connection.onClose().onErrorResume(e -> Mono.empty()).block(TIMEOUT);
        assertThat(server.connections()).isEmpty();

        Host impatient = host(b -> b.handshakeTimeout(Duration.ofMillis(300)).upgradeStep(silent));
        assertThatThrownBy(() -> impatient.connect(TestHosts.address(server)).block(TIMEOUT))
                .isInstanceOf(DialException.class)
                .hasCauseInstanceOf(TimeoutException.class)
                .hasMessageContaining("secured stage");
    }

    @Test
    void aStepThatCompletesEmptyRefusesTheConnection() {
        UpgradeStep empty = new UpgradeStep() {
            @Override
            public Mono<Raw> raw(Mono<Raw> raw) {
                return raw.then(Mono.empty());
            }
        };
        Host server = host(b -> b);
        Host client = host(b -> b.upgradeStep(empty));
        assertThatThrownBy(() -> client.connect(TestHosts.address(server)).block(TIMEOUT))
                .isInstanceOf(DialException.class)
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("raw stage empty");
        assertThat(client.connections()).isEmpty();
    }
}
