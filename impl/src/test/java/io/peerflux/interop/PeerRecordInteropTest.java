package io.peerflux.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.record.PeerRecord;
import io.peerflux.testing.Eventually;
import io.peerflux.testing.RunningHosts;
import io.peerflux.testing.TestHosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Signed peer records (RFC 0003) in identify against the pinned js-libp2p peer, over TCP + Noise + Yamux on loopback,
 * with Java dialing js and js dialing Java: js's record arrives, verifies and is kept as its certified addresses, which
 * are its listen addresses; js keeps ours, which opens here as our own record of our listen addresses. Each test uses
 * a fresh Java host, so that neither side knows the other's record from an earlier test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerRecordInteropTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final RunningHosts hosts = new RunningHosts();
    JsPeer js;

    @BeforeAll
    void start() throws Exception {
        js = JsPeer.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (js != null) {
            js.close();
        }
    }

    @Test
    void javaDialsJs() throws Exception {
        Host host = hosts.tcp(b -> b);
        host.connect(js.address()).flatMap(Connection::identify).block(TIMEOUT);
        assertJavaKeepsJsRecord(host);
        assertJsKeepsOurRecord(host);
    }

    @Test
    void jsDialsJava() throws Exception {
        Host host = hosts.tcp(b -> b);
        js.command("identify", Map.of("addr", TestHosts.address(host).toString()), TIMEOUT);
        assertJsKeepsOurRecord(host);
        Eventually.await(() -> host.peerstore().certifiedRecord(js.peerId()).isPresent(), TIMEOUT);
        assertJavaKeepsJsRecord(host);
    }

    void assertJavaKeepsJsRecord(Host host) {
        PeerRecord record = host.peerstore().certifiedRecord(js.peerId()).orElseThrow();
        assertThat(record.peerId()).isEqualTo(js.peerId());
        assertThat(record.addresses()).as("js's certified addresses")
                .containsExactlyInAnyOrderElementsOf(js.addresses().stream().map(Multiaddr::withoutPeerId).toList());
    }

    void assertJsKeepsOurRecord(Host host) throws Exception {
        JsonNode stored = Mono.fromCallable(() -> js.command("peerRecord",
                        Map.of("peerId", host.peerId().toString()), TIMEOUT))
                .subscribeOn(Schedulers.boundedElastic())
                .filter(reply -> !reply.get("envelope").isNull())
                .repeatWhenEmpty(100, r -> r.delayElements(Duration.ofMillis(100)))
                .block(TIMEOUT);
        PeerRecord ours = PeerRecord.open(HexFormat.of().parseHex(stored.get("envelope").asText()));
        assertThat(ours.peerId()).isEqualTo(host.peerId());
        assertThat(ours.addresses()).isEqualTo(host.listenAddresses());
        List<String> certified = new ArrayList<>();
        stored.get("certifiedAddrs").forEach(a -> certified.add(a.asText()));
        assertThat(certified).as("addresses js marks certified")
                .containsExactlyElementsOf(host.listenAddresses().stream().map(Multiaddr::toString).toList());
    }
}
