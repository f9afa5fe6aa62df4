package io.peerflux.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** {@link DnsaddrResolver} against {@link LoopbackDnsServer}: what it returns, what it skips, where it stops. */
@Timeout(60)
class DnsaddrResolverTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final String PEER_A = "QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN";
    static final String PEER_B = "QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb";

    LoopbackDnsServer server;
    DnsaddrResolver resolver;

    @BeforeEach
    void start() throws InterruptedException {
        server = LoopbackDnsServer.start();
        resolver = DnsaddrResolver.create(server.address());
    }

    @AfterEach
    void stop() {
        resolver.close();
        server.close();
    }

    @Test
    void aNameResolvesToTheAddressesOfItsTxtRecords() {
        server.txt("_dnsaddr.direct.test",
                "dnsaddr=/ip4/192.0.2.1/tcp/4001/p2p/" + PEER_A,
                "dnsaddr=/ip6/2001:db8::1/udp/4001/quic-v1/p2p/" + PEER_A);

        assertThat(resolve("/dnsaddr/direct.test")).containsExactlyInAnyOrder(
                Multiaddr.of("/ip4/192.0.2.1/tcp/4001/p2p/" + PEER_A),
                Multiaddr.of("/ip6/2001:db8::1/udp/4001/quic-v1/p2p/" + PEER_A));
        assertThat(server.questions("_dnsaddr.direct.test")).isEqualTo(1);
    }

    @Test
    void nestedNamesAreResolvedTwoLevelsDeep() {
        server.txt("_dnsaddr.boot.test", "dnsaddr=/dnsaddr/region.boot.test")
                .txt("_dnsaddr.region.boot.test",
                        "dnsaddr=/dnsaddr/a.region.boot.test/p2p/" + PEER_A,
                        "dnsaddr=/dnsaddr/b.region.boot.test/p2p/" + PEER_B)
                .txt("_dnsaddr.a.region.boot.test",
                        "dnsaddr=/ip4/192.0.2.1/tcp/4001/p2p/" + PEER_A,
                        "dnsaddr=/ip6/2001:db8::1/tcp/4001/p2p/" + PEER_A)
                .txt("_dnsaddr.b.region.boot.test", "dnsaddr=/ip4/192.0.2.2/tcp/4001/p2p/" + PEER_B);

        assertThat(resolve("/dnsaddr/boot.test")).containsExactlyInAnyOrder(
                Multiaddr.of("/ip4/192.0.2.1/tcp/4001/p2p/" + PEER_A),
                Multiaddr.of("/ip6/2001:db8::1/tcp/4001/p2p/" + PEER_A),
                Multiaddr.of("/ip4/192.0.2.2/tcp/4001/p2p/" + PEER_B));
    }

    @Test
    void aTrailingPeerIdKeepsOnlyThatPeersAddressesAndItsNestedNames() {
        server.txt("_dnsaddr.boot.test",
                        "dnsaddr=/dnsaddr/a.boot.test/p2p/" + PEER_A,
                        "dnsaddr=/dnsaddr/b.boot.test/p2p/" + PEER_B,
                        "dnsaddr=/ip4/192.0.2.9/tcp/4001/p2p/" + PEER_B)
                .txt("_dnsaddr.a.boot.test",
                        "dnsaddr=/ip4/192.0.2.1/tcp/4001/p2p/" + PEER_A,
                        "dnsaddr=/ip4/192.0.2.3/tcp/4001/p2p/" + PEER_B)
                .txt("_dnsaddr.b.boot.test", "dnsaddr=/ip4/192.0.2.2/tcp/4001/p2p/" + PEER_B);

        assertThat(resolve("/dnsaddr/boot.test/p2p/" + PEER_A))
                .containsExactly(Multiaddr.of("/ip4/192.0.2.1/tcp/4001/p2p/" + PEER_A));
        assertThat(server.questions("_dnsaddr.b.boot.test")).as("the other peer's name is not queried").isZero();
    }

    @Test
    void aLoopEndsAtTheDepthBound() {
        server.txt("_dnsaddr.a.loop.test", "dnsaddr=/dnsaddr/b.loop.test", "dnsaddr=/ip4/192.0.2.1/tcp/1")
                .txt("_dnsaddr.b.loop.test", "dnsaddr=/dnsaddr/a.loop.test", "dnsaddr=/ip4/192.0.2.2/tcp/2");

        assertThat(resolve("/dnsaddr/a.loop.test"))
                .containsExactlyInAnyOrder(Multiaddr.of("/ip4/192.0.2.1/tcp/1"), Multiaddr.of("/ip4/192.0.2.2/tcp/2"));
        assertThat(server.questions()).isEqualTo(DnsaddrResolver.MAX_DEPTH);
    }

    @Test
    void onlyTheFirstRecordsOfAnAnswerAreRead() {
        server.txt("_dnsaddr.many.test", addresses(0, DnsaddrResolver.MAX_RECORDS_PER_NAME + 8));

        assertThat(resolve("/dnsaddr/many.test")).hasSize(DnsaddrResolver.MAX_RECORDS_PER_NAME);
    }

    @Test
    void aResolutionReturnsAtMostMaxAddresses() {
        int names = 5;
        int perName = 20;
        assertThat(names * perName).isGreaterThan(DnsaddrResolver.MAX_ADDRESSES);
        List<String> nested = new ArrayList<>();
        for (int n = 0; n < names; n++) {
            nested.add("dnsaddr=/dnsaddr/n" + n + ".wide.test");
            server.txt("_dnsaddr.n" + n + ".wide.test", addresses(n * perName, perName));
        }
        server.txt("_dnsaddr.wide.test", nested);

        assertThat(resolve("/dnsaddr/wide.test")).hasSize(DnsaddrResolver.MAX_ADDRESSES).doesNotHaveDuplicates();
    }

    @Test
    void aResolutionSendsAtMostMaxQueries() {
        int names = DnsaddrResolver.MAX_QUERIES + 4;
        List<String> nested = new ArrayList<>();
        for (int n = 0; n < names; n++) {
            nested.add("dnsaddr=/dnsaddr/n" + n + ".fan.test");
            server.txt("_dnsaddr.n" + n + ".fan.test", addresses(n, 1));
        }
        server.txt("_dnsaddr.fan.test", nested);

        assertThat(resolve("/dnsaddr/fan.test")).hasSize(DnsaddrResolver.MAX_QUERIES - 1);
        assertThat(server.questions()).isEqualTo(DnsaddrResolver.MAX_QUERIES);
    }

    @Test
    void anUnknownNameFailsWithItsName() {
        assertThatThrownBy(() -> resolve("/dnsaddr/missing.test"))
                .isInstanceOf(DnsResolutionException.class)
                .hasMessageContaining("NXDomain")
                .extracting(e -> ((DnsResolutionException) e).name()).isEqualTo("_dnsaddr.missing.test");
    }

    @Test
    void aNameDnsCannotCarryFailsWithoutAQuery() {
        String name = "x".repeat(64) + ".test";

        assertThatThrownBy(() -> resolve("/dnsaddr/" + name))
                .isInstanceOfSatisfying(DnsResolutionException.class,
                        e -> assertThat(e.name()).isEqualTo("_dnsaddr." + name));
        assertThat(server.questions()).isZero();
    }

    @Test
    void aNameServerThatDoesNotAnswerFailsAfterTheQueryTimeout() {
        server.ignore("_dnsaddr.silent.test");
        try (DnsaddrResolver impatient = DnsaddrResolver.create(server.address(), Duration.ofMillis(200))) {
            Multiaddr silent = Multiaddr.of("/dnsaddr/silent.test");
            assertThatThrownBy(() -> impatient.resolve(silent).collectList().block(TIMEOUT))
                    .isInstanceOf(DnsResolutionException.class)
                    .hasCauseInstanceOf(DnsNameResolverTimeoutException.class);
        }
    }

    @Test
    void aFailingNestedNameIsSkippedWhenOthersResolve() {
        server.txt("_dnsaddr.mixed.test", "dnsaddr=/dnsaddr/gone.test", "dnsaddr=/ip4/192.0.2.1/tcp/1");

        assertThat(resolve("/dnsaddr/mixed.test")).containsExactly(Multiaddr.of("/ip4/192.0.2.1/tcp/1"));
        assertThat(server.questions("_dnsaddr.gone.test")).isEqualTo(1);
    }

    @Test
    void whenEveryNestedNameFailsTheResolutionFailsWithTheirFailures() {
        server.txt("_dnsaddr.broken.test", "dnsaddr=/dnsaddr/gone1.test", "dnsaddr=/dnsaddr/gone2.test");

        assertThatThrownBy(() -> resolve("/dnsaddr/broken.test"))
                .isInstanceOfSatisfying(DnsResolutionException.class, e -> {
                    assertThat(e.name()).isEqualTo("_dnsaddr.broken.test");
                    assertThat(e.getSuppressed()).filteredOn(DnsResolutionException.class::isInstance)
                            .extracting(s -> ((DnsResolutionException) s).name())
                            .containsExactlyInAnyOrder("_dnsaddr.gone1.test", "_dnsaddr.gone2.test");
                });
    }

    @Test
    void aNameWithoutRecordsResolvesToNothing() {
        server.txt("_dnsaddr.empty.test");

        assertThat(resolve("/dnsaddr/empty.test")).isEmpty();
    }

    @Test
    void malformedTxtValuesAreSkipped() {
        server.txt("_dnsaddr.messy.test",
                "dnsaddr=/ip4/999.0.0.1/tcp/1",
                "dnsaddr=not-a-multiaddr",
                "dnsaddr=",
                "v=spf1 -all",
                "dnsaddr=/ip4/192.0.2.1/tcp/1");

        assertThat(resolve("/dnsaddr/messy.test")).containsExactly(Multiaddr.of("/ip4/192.0.2.1/tcp/1"));
    }

    @Test
    void aValueLongerThanOneCharacterStringIsJoined() {
        Multiaddr longAddress = Multiaddr.of("/dns4/" + "x".repeat(60) + "." + "y".repeat(60) + "." + "z".repeat(60)
                + ".test/tcp/4001/tls/sni/" + "w".repeat(40) + ".test/ws/p2p/" + PEER_A);
        assertThat(("dnsaddr=" + longAddress).length()).isGreaterThan(255);
        server.txt("_dnsaddr.long.test", "dnsaddr=" + longAddress);

        assertThat(resolve("/dnsaddr/long.test")).containsExactly(longAddress);
    }

    @Test
    void addressesThatAreNotDnsaddrPassThroughUnresolved() {
        for (String text : List.of("/ip4/192.0.2.1/tcp/1", "/dns4/example.test/tcp/1", "/ip4/192.0.2.1/dnsaddr/x")) {
            assertThat(resolve(text)).containsExactly(Multiaddr.of(text));
        }
        assertThat(server.questions()).isZero();
    }

    @Test
    void nothingIsSentUntilSubscribed() {
        server.txt("_dnsaddr.lazy.test", "dnsaddr=/ip4/192.0.2.1/tcp/1")
                .txt("_dnsaddr.marker.test", "dnsaddr=/ip4/192.0.2.2/tcp/2");

        Flux<Multiaddr> lazy = resolver.resolve(Multiaddr.of("/dnsaddr/lazy.test"));
        // A query sent by resolve() itself would reach the single-threaded server before this later one does.
        resolve("/dnsaddr/marker.test");
        assertThat(server.questions("_dnsaddr.lazy.test")).isZero();

        assertThat(lazy.collectList().block(TIMEOUT)).containsExactly(Multiaddr.of("/ip4/192.0.2.1/tcp/1"));
        assertThat(server.questions("_dnsaddr.lazy.test")).isEqualTo(1);
    }

    @Test
    void cancellingStopsTheResolution() throws InterruptedException {
        server.txt("_dnsaddr.slow.test", "dnsaddr=/dnsaddr/next.slow.test")
                .txt("_dnsaddr.next.slow.test", "dnsaddr=/ip4/192.0.2.1/tcp/1")
                .delayAnswers(Duration.ofMillis(300));
        List<Object> signals = new ArrayList<>();

        Disposable subscription = resolver.resolve(Multiaddr.of("/dnsaddr/slow.test"))
                .subscribe(signals::add, signals::add, () -> signals.add("complete"));
        awaitTrue(() -> server.questions("_dnsaddr.slow.test") == 1);
        subscription.dispose();
        awaitTrue(() -> server.answersSent() == 1);
        Thread.sleep(200); // time for the late answer to arrive, and for a nested query that should not go out

        assertThat(server.questions("_dnsaddr.next.slow.test")).isZero();
        assertThat(signals).isEmpty();
    }

    private List<Multiaddr> resolve(String text) {
        return resolver.resolve(Multiaddr.of(text)).collectList().block(TIMEOUT);
    }

    /** {@code count} distinct {@code dnsaddr=} values, numbered from {@code first}. */
    private static List<String> addresses(int first, int count) {
        return IntStream.range(first, first + count).mapToObj(i -> "dnsaddr=/ip4/10.0.0.1/tcp/" + (1000 + i)).toList();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Eventually.await(condition, TIMEOUT);
    }
}
