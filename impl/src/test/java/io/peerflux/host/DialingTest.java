package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.Connection;
import io.peerflux.ConnectionGatedException;
import io.peerflux.DialException;
import io.peerflux.Direction;
import io.peerflux.IdentifyInfo;
import io.peerflux.Stream;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Dial ranking, racing, backoff and black-hole detection, with fake dials in virtual time. */
class DialingTest {

    static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());

    static final Multiaddr QUIC6 = Multiaddr.of("/ip6/2001:db8::1/udp/4001/quic-v1");
    static final Multiaddr QUIC4 = Multiaddr.of("/ip4/1.2.3.4/udp/4001/quic-v1");
    static final Multiaddr TCP6 = Multiaddr.of("/ip6/2001:db8::1/tcp/4001");
    static final Multiaddr TCP4 = Multiaddr.of("/ip4/1.2.3.4/tcp/4001");
    static final Multiaddr TCP4_B = Multiaddr.of("/ip4/5.6.7.8/tcp/4001");
    static final Multiaddr WS4 = Multiaddr.of("/ip4/1.2.3.4/tcp/4002/ws");
    static final Multiaddr LOOPBACK_TCP = Multiaddr.of("/ip4/127.0.0.1/tcp/4001");
    static final Multiaddr LOOPBACK_QUIC = Multiaddr.of("/ip4/127.0.0.1/udp/4001/quic-v1");
    static final Multiaddr LAN_TCP = Multiaddr.of("/ip4/192.168.1.2/tcp/4001");

    final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    /** When each address was dialed, in virtual milliseconds. */
    final Map<Multiaddr, Long> started = new ConcurrentHashMap<>();
    final Map<Multiaddr, Boolean> cancelled = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        time.dispose();
    }

    long nowMillis() {
        return time.now(TimeUnit.MILLISECONDS);
    }

    /** A fake dial of {@code address}: after {@code after}, a connection, or {@code error} when given. */
    Mono<Connection> fake(Multiaddr address, Duration after, Throwable error) {
        return Mono.defer(() -> {
            started.put(address, nowMillis());
            Mono<Connection> outcome = error == null ? Mono.just(new FakeConnection(address))
                    : Mono.error(error);
            return Mono.delay(after, time).then(outcome).doOnCancel(() -> cancelled.put(address, true));
        });
    }

    static List<Long> delays(List<DialPlan.Planned> plan) {
        return plan.stream().map(p -> p.delay().toMillis()).toList();
    }

    // ---- ranking ----

    @Test
    void quicBeforeTcpBeforeWebSocketIpv6BeforeIpv4AStepApart() {
        List<DialPlan.Planned> plan = DialPlan.of(List.of(WS4, TCP4, TCP6, QUIC4, QUIC6));
        assertThat(plan).extracting(DialPlan.Planned::address).containsExactly(QUIC6, QUIC4, TCP6, TCP4, WS4);
        assertThat(delays(plan)).containsExactly(0L, 250L, 500L, 750L, 1000L);
    }

    @Test
    void tcpStartsAQuarterSecondAfterQuicAndFurtherAddressesOfAKindAStepLater() {
        assertThat(delays(DialPlan.of(List.of(TCP4, QUIC4)))).containsExactly(0L, 250L);
        assertThat(delays(DialPlan.of(List.of(TCP4, TCP4_B)))).containsExactly(0L, 250L);
        assertThat(DialPlan.of(List.of(TCP4, TCP4))).hasSize(1);
    }

    @Test
    void privateAddressesStepByThirtyMillisecondsAlongsideThePublicOnes() {
        List<DialPlan.Planned> plan = DialPlan.of(List.of(TCP4, LOOPBACK_TCP, LOOPBACK_QUIC, LAN_TCP));
        assertThat(plan).extracting(DialPlan.Planned::address)
                .containsExactly(TCP4, LOOPBACK_QUIC, LOOPBACK_TCP, LAN_TCP);
        assertThat(delays(plan)).containsExactly(0L, 0L, 30L, 60L);
        assertThat(DialPlan.isPublic(Multiaddr.of("/ip4/100.64.1.1/tcp/1"))).isFalse();
        assertThat(DialPlan.isPublic(Multiaddr.of("/ip6/fd00::1/tcp/1"))).isFalse();
        assertThat(DialPlan.isPublic(Multiaddr.of("/memory/5"))).isFalse();
        assertThat(DialPlan.isPublic(Multiaddr.of("/dns4/example.com/tcp/1"))).isTrue();
    }

    // ---- racing ----

    RankedDial ranked(List<Multiaddr> addresses, Function<Multiaddr, Mono<Connection>> dialOne) {
        return new RankedDial(PEER, DialPlan.of(addresses), List.of(), dialOne, time);
    }

    @Test
    void theFirstSuccessWinsAndTheOtherDialsAreCancelled() {
        // QUIC at 0 takes 1 s; TCP at 250 ms takes 100 ms and wins at 350 ms.
        RankedDial dial = ranked(List.of(QUIC4, TCP4),
                a -> fake(a, a.equals(QUIC4) ? Duration.ofSeconds(1) : Duration.ofMillis(100), null));
        StepVerifier.withVirtualTime(dial::run, () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(349))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(c -> assertThat(((FakeConnection) c).address).isEqualTo(TCP4))
                .verifyComplete();
        assertThat(started).containsEntry(QUIC4, 0L).containsEntry(TCP4, 250L);
        assertThat(cancelled).containsOnlyKeys(QUIC4);
    }

    @Test
    void whenNothingIsInFlightTheNextDialStartsAtOnce() {
        RankedDial dial = ranked(List.of(TCP4, TCP4_B), a -> a.equals(TCP4)
                ? fake(a, Duration.ofMillis(10), new IllegalStateException("refused"))
                : fake(a, Duration.ofMillis(10), null));
        StepVerifier.withVirtualTime(dial::run, () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofMillis(20))
                .expectNextCount(1)
                .verifyComplete();
        assertThat(started).containsEntry(TCP4, 0L).containsEntry(TCP4_B, 10L);
    }

    @Test
    void aConnectionThatCompletesAfterAnotherWonIsClosed() {
        // QUIC's dial cannot be stopped once under way: its connection arrives after TCP's won.
        LateDial stubborn = new LateDial();
        RankedDial dial = ranked(List.of(QUIC4, TCP4),
                a -> a.equals(QUIC4) ? stubborn : fake(a, Duration.ofMillis(1), null));
        StepVerifier.withVirtualTime(dial::run, () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofMillis(251))
                .assertNext(c -> assertThat(((FakeConnection) c).address).isEqualTo(TCP4))
                .verifyComplete();
        FakeConnection late = new FakeConnection(QUIC4);
        stubborn.complete(late);
        assertThat(late.closed).isTrue();
    }

    @Test
    void whenEveryDialFailsTheErrorListsEachFailureInOrder() {
        RankedDial dial = ranked(List.of(TCP4, TCP4_B, QUIC4),
                a -> fake(a, Duration.ofMillis(5), DialException.failed(a, new IllegalStateException("refused"))));
        StepVerifier.withVirtualTime(dial::run, () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DialException.class)
                        .hasMessageContaining("all 3 addresses")
                        .satisfies(x -> assertThat(x.getSuppressed()).extracting(s -> ((DialException) s).address())
                                .containsExactly(QUIC4, TCP4, TCP4_B)))
                .verify();
    }

    @Test
    void atMostEightDialsAreInFlight() {
        List<Multiaddr> many = new java.util.ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            many.add(Multiaddr.of("/ip4/9.9.9." + i + "/tcp/1"));
        }
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        RankedDial dial = ranked(many, a -> fake(a, Duration.ofSeconds(10), new IllegalStateException("silent"))
                .doOnSubscribe(s -> most.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
                .doOnTerminate(inFlight::decrementAndGet));
        StepVerifier.withVirtualTime(dial::run, () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(60))
                .expectError(DialException.class)
                .verify();
        assertThat(most).hasValue(RankedDial.MAX_IN_FLIGHT);
        assertThat(started).hasSize(12);
    }

    // ---- backoff ----

    @Test
    void backoffDoublesFromFiveSecondsToFiveMinutesAndASuccessEndsIt() {
        DialBackoff backoff = new DialBackoff();
        long now = 0;
        for (int seconds : new int[] {5, 10, 20, 40, 80, 160, 300, 300}) {
            backoff.failed(TCP4, now);
            assertThat(backoff.remaining(TCP4, now)).isEqualTo(Duration.ofSeconds(seconds));
            now += Duration.ofSeconds(seconds).toNanos();
            assertThat(backoff.remaining(TCP4, now)).isZero();
        }
        backoff.succeeded(TCP4);
        backoff.failed(TCP4, now);
        assertThat(backoff.remaining(TCP4, now)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void backoffIsBoundedInCountAndForgetsQuietAddresses() {
        DialBackoff backoff = new DialBackoff();
        for (int i = 0; i < DialBackoff.CAPACITY + 500; i++) {
            backoff.failed(Multiaddr.of("/ip4/10.0." + (i / 250) + "." + (i % 250) + "/tcp/1"), 0);
        }
        assertThat(backoff.size()).isEqualTo(DialBackoff.CAPACITY);
        // Long after: every new failure clears some forgotten ones.
        long later = Duration.ofSeconds(DialBackoff.BASE_SECONDS + DialBackoff.MAX_SECONDS).toNanos();
        for (int i = 0; i < DialBackoff.CAPACITY / 3; i++) {
            backoff.failed(Multiaddr.of("/ip4/11.0." + (i / 250) + "." + (i % 250) + "/tcp/1"), later);
        }
        assertThat(backoff.size()).isEqualTo(DialBackoff.CAPACITY / 3);
    }

    @Test
    void aPeerWhoseAddressFailedIsNotDialedThereAgainUntilTheBackoffEnds() {
        Dialer dialer = new Dialer(time);
        AtomicInteger dials = new AtomicInteger();
        Function<Multiaddr, Mono<Connection>> refused = a -> {
            dials.incrementAndGet();
            return Mono.error(DialException.failed(a, new IllegalStateException("refused")));
        };
        StepVerifier.create(dialer.dial(PEER, List.of(TCP4), refused)).expectError(DialException.class).verify();
        StepVerifier.create(dialer.dial(PEER, List.of(TCP4), refused))
                .expectErrorSatisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(s -> assertThat(s).hasMessageContaining("backing off")))
                .verify();
        assertThat(dials).hasValue(1);
        time.advanceTimeBy(Duration.ofSeconds(DialBackoff.BASE_SECONDS));
        StepVerifier.create(dialer.dial(PEER, List.of(TCP4), refused)).expectError(DialException.class).verify();
        assertThat(dials).hasValue(2);
    }

    @Test
    void aRefusalMadeHereIsNoReasonToBackOff() {
        Dialer dialer = new Dialer(time);
        Function<Multiaddr, Mono<Connection>> gated = a -> Mono.error(DialException.failed(a,
                ConnectionGatedException.refused(ConnectionGatedException.Stage.DIAL, a)));
        StepVerifier.create(dialer.dial(PEER, List.of(TCP4), gated)).expectError(DialException.class).verify();
        assertThat(dialer.backoff().size()).isZero();
    }

    // ---- black holes ----

    @Test
    void aBlackHoleFilterBlocksAfterAWindowOfFailuresProbesAndRecovers() {
        BlackHoleFilter filter = new BlackHoleFilter("udp");
        for (int i = 0; i < BlackHoleFilter.WINDOW - 1; i++) {
            filter.record(false);
        }
        assertThat(filter.allows()).isTrue(); // too few outcomes to judge
        filter.record(false);
        assertThat(filter.blocked()).isTrue();
        int allowed = 0;
        for (int i = 0; i < 3 * BlackHoleFilter.WINDOW; i++) {
            allowed += filter.allows() ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(3);
        for (int i = 0; i < BlackHoleFilter.MIN_SUCCESSES; i++) {
            filter.record(true);
        }
        assertThat(filter.blocked()).isFalse();
        assertThat(filter.allows()).isTrue();
    }

    @Test
    void publicUdpThatNeverWorksIsSkippedButForAnOccasionalProbe() {
        Dialer dialer = new Dialer(time);
        AtomicInteger quicDials = new AtomicInteger();
        Function<Multiaddr, Mono<Connection>> dialOne = a -> {
            if (DialPlan.isUdp(a)) {
                quicDials.incrementAndGet();
                return Mono.error(DialException.timeout(a, Duration.ofSeconds(10)));
            }
            return Mono.just(new FakeConnection(a));
        };
        for (int i = 0; i < BlackHoleFilter.WINDOW; i++) {
            // A different peer each time: backoff is per peer and address.
            PeerId peer = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
            dialer.dial(peer, List.of(Multiaddr.of("/ip4/1.2.3." + (i % 250) + "/udp/1/quic-v1")), dialOne)
                    .onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(5));
        }
        assertThat(quicDials).hasValue(BlackHoleFilter.WINDOW);
        assertThat(dialer.udpFilter().blocked()).isTrue();

        for (int i = 0; i < BlackHoleFilter.WINDOW; i++) {
            PeerId peer = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
            Connection c = dialer.dial(peer, List.of(Multiaddr.of("/ip4/4.3.2.1/udp/1/quic-v1"), TCP4), dialOne)
                    .block(Duration.ofSeconds(5));
            assertThat(((FakeConnection) c).address).isEqualTo(TCP4);
        }
        assertThat(quicDials).hasValue(BlackHoleFilter.WINDOW + 1); // one probe in a hundred
        // Private addresses are neither counted nor filtered.
        dialer.dial(PEER, List.of(LOOPBACK_QUIC), dialOne).onErrorResume(e -> Mono.empty()).block();
        assertThat(quicDials).hasValue(BlackHoleFilter.WINDOW + 2);
    }

    // ---- fakes ----

    /** A dial that ignores cancellation and completes when told. */
    static final class LateDial extends Mono<Connection> {
        final AtomicBoolean subscribed = new AtomicBoolean();
        CoreSubscriber<? super Connection> subscriber;

        @Override
        public void subscribe(CoreSubscriber<? super Connection> actual) {
            subscribed.set(true);
            subscriber = actual;
            actual.onSubscribe(Operators.emptySubscription());
        }

        void complete(Connection connection) {
            subscriber.onNext(connection);
            subscriber.onComplete();
        }
    }

    static final class FakeConnection implements Connection {
        final Multiaddr address;
        volatile boolean closed;

        FakeConnection(Multiaddr address) {
            this.address = address;
        }

        @Override
        public String id() {
            return address.toString();
        }

        @Override
        public PeerId localPeer() {
            return PEER;
        }

        @Override
        public PeerId remotePeer() {
            return PEER;
        }

        @Override
        public PublicKey remotePublicKey() {
            return null;
        }

        @Override
        public Multiaddr localAddress() {
            return address;
        }

        @Override
        public Multiaddr remoteAddress() {
            return address;
        }

        @Override
        public Direction direction() {
            return Direction.OUTBOUND;
        }

        @Override
        public String security() {
            return "fake";
        }

        @Override
        public String muxer() {
            return "fake";
        }

        @Override
        public Mono<Stream> newStream(String... protocols) {
            return Mono.error(new UnsupportedOperationException());
        }

        @Override
        public Mono<IdentifyInfo> identify() {
            return Mono.never();
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public Mono<Void> close() {
            return Mono.fromRunnable(() -> closed = true);
        }

        @Override
        public Mono<Void> onClose() {
            return Mono.never();
        }
    }
}
