package io.peerflux.faultlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A partition longer than the keep-alive, in the middle of transfers both ways: nothing tells either peer, so only
 * its own liveness check can. Both ends' streams (each side sending on one and receiving on the other) fail with
 * {@link io.peerflux.StreamResetException} within the configured timeout, a dial during the partition fails with
 * {@link io.peerflux.DialException} within the dial timeout, and once the network heals the client reconnects and a
 * checksummed transfer arrives intact.
 *
 * <p>The timeouts: over TCP, Yamux pings every {@code KEEP_ALIVE} and gives up when a ping is still unanswered at the
 * next one, so within two intervals; QUIC has no keep-alive in Netty's codec and ends a connection that received
 * nothing for its idle timeout.
 */
class PartitionTest {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(2);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
    static final Duration DIAL_TIMEOUT = Duration.ofSeconds(3);
    /** Time for a peer to notice a timer that fired and for its line to reach the test. */
    static final Duration SLACK = Duration.ofMillis(1500);
    static final long RATE = 1 << 20;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tcp", "quic"})
    @Timeout(180)
    void bothEndsFailTypedWithinTheTimeoutAndReconnectAfterTheHeal(String transport) throws Exception {
        Duration bound = (transport.equals("tcp") ? KEEP_ALIVE.multipliedBy(2) : IDLE_TIMEOUT).plus(SLACK);
        try (FaultLab lab = FaultLab.create("partition-" + transport)) {
            LabPeer server = lab.server(transport, KEEP_ALIVE, IDLE_TIMEOUT, DIAL_TIMEOUT);
            LabPeer client = lab.client(transport, KEEP_ALIVE, IDLE_TIMEOUT, DIAL_TIMEOUT);
            String address = server.address(FaultLab.B_IP);
            client.upload("u1", address, -1, 1, RATE);
            client.download("d1", address, -1, 2, RATE);
            client.awaitProgress("upload-progress u1", 2 << 20, Duration.ofSeconds(30));
            client.awaitProgress("download-progress d1", 2 << 20, Duration.ofSeconds(30));

            lab.partition();
            long partitioned = System.nanoTime();
            long[] millis = {
                    client.awaitStreamReset("upload-failed u1 ", partitioned, bound),
                    client.awaitStreamReset("download-failed d1 ", partitioned, bound),
                    server.awaitStreamReset("sink-failed ", partitioned, bound),
                    server.awaitStreamReset("source-failed ", partitioned, bound)};
            if (transport.equals("tcp")) {
                // The keep-alive, not something else, ended the connection.
                assertThat(client.await("upload-failed u1 ", Duration.ZERO).text()).contains("keep-alive");
                assertThat(server.await("sink-failed ", Duration.ZERO).text()).contains("keep-alive");
            }

            long dialing = System.nanoTime();
            client.dial("x1", address);
            LabProcess.Line dial = client.await("dial-failed x1 ", DIAL_TIMEOUT.plusSeconds(30));
            assertThat(dial.words(4)[3]).as(dial.text()).startsWith("io.peerflux.DialException:");
            assertThat(dial.millisAfter(dialing)).as("ms to the failed dial")
                    .isLessThanOrEqualTo(DIAL_TIMEOUT.plus(SLACK).toMillis());
            long partitionMillis = (System.nanoTime() - partitioned) / 1_000_000;
            assertThat(partitionMillis).as("the partition outlasts the keep-alive")
                    .isGreaterThan((transport.equals("tcp") ? KEEP_ALIVE : IDLE_TIMEOUT).toMillis());
            assertThat(lab.dropped()).as("packets the partition dropped").isPositive();
            System.out.printf("faultlab partition %s: stream errors after %d / %d ms (client), %d / %d ms (server),"
                    + " failed dial after %d ms, partition held %d ms%n", transport, millis[0], millis[1], millis[2],
                    millis[3], dial.millisAfter(dialing), partitionMillis);

            lab.heal();
            client.uploadIntact("u2", address, 8 << 20, Duration.ofSeconds(60));
            client.finishClean();
            server.finishClean();
        }
    }
}
