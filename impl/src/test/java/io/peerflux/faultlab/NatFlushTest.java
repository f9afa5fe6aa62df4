package io.peerflux.faultlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The router between the peers forgets every NAT mapping ({@code conntrack -F}) in the middle of transfers both
 * ways. What happens next depends on the NAT, and each case has its own right outcome:
 * <ul>
 *   <li>A NAT that gives the connection a <b>new port</b> (as carrier-grade NATs and {@code masquerade fully-random}
 *       do): a TCP connection is dead (the server's segments reach a router that knows nothing of them and answers
 *       with a reset; the client's arrive from a port the server never saw and are reset too). QUIC could follow the
 *       client to its new address, but quiche strands what was in flight on the old path (cloudflare/quiche#2452),
 *       so Peerflux closes a connection whose remote moved (see {@code QuicSession}). Either way both ends' streams
 *       fail with {@link io.peerflux.StreamResetException} within the timeout, and the client reconnects.</li>
 *   <li>A NAT that <b>keeps the port</b> when it is free (Linux's default masquerade) makes it a race. If the
 *       client's next packet reaches the router first, the mapping comes back the same and both TCP and QUIC carry
 *       on as if nothing happened. If the server's comes first, the router, knowing nothing of it, answers it
 *       itself and remembers that: a TCP segment gets a reset, and for a QUIC packet the half-open entry holds the
 *       old port, so the client's next packet is mapped to a new one (the case above). Both outcomes are correct;
 *       the test accepts either, but no corruption, no untyped error, no hang.</li>
 * </ul>
 */
class NatFlushTest {

    static final Duration DIAL_TIMEOUT = Duration.ofSeconds(3);
    static final long BYTES = 32 << 20;
    static final long RATE = 8 << 20;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tcp", "quic"})
    @Timeout(180)
    void aNewPortEndsTheConnectionWithTypedErrorsOnBothEndsAndTheClientReconnects(String transport)
            throws Exception {
        try (FaultLab lab = FaultLab.create("nat-new-port-" + transport)) {
            lab.randomizeNatPorts();
            LabPeer server = lab.server(transport, PartitionTest.KEEP_ALIVE, PartitionTest.IDLE_TIMEOUT,
                    DIAL_TIMEOUT);
            LabPeer client = lab.client(transport, PartitionTest.KEEP_ALIVE, PartitionTest.IDLE_TIMEOUT,
                    DIAL_TIMEOUT);
            String address = server.address(FaultLab.B_IP);
            client.upload("u1", address, -1, 1, RATE);
            client.download("d1", address, -1, 2, RATE);
            client.awaitProgress("upload-progress u1", 2 << 20, Duration.ofSeconds(30));
            client.awaitProgress("download-progress d1", 2 << 20, Duration.ofSeconds(30));

            String before = lab.conntrack().toString();
            lab.flushConntrack();
            long flushed = System.nanoTime();
            // TCP: resets arrive within a round trip of the flush. QUIC: the server closes when it sees the client's
            // new address, at the client's next packet; the client hears nothing (quiche sends no CONNECTION_CLOSE
            // on the path it just left) and gives up at its idle timeout.
            Duration serverBound = Duration.ofSeconds(2);
            Duration clientBound = transport.equals("tcp") ? Duration.ofSeconds(2)
                    : PartitionTest.IDLE_TIMEOUT.plus(PartitionTest.SLACK);
            long[] millis = {
                    server.awaitStreamReset("sink-failed ", flushed, serverBound),
                    server.awaitStreamReset("source-failed ", flushed, serverBound),
                    client.awaitStreamReset("upload-failed u1 ", flushed, clientBound),
                    client.awaitStreamReset("download-failed d1 ", flushed, clientBound)};
            String after = lab.conntrack().toString();
            System.out.printf("faultlab nat new port %s: stream errors after %d / %d ms (server), %d / %d ms (client);"
                    + " mappings before %s, after %s%n", transport, millis[0], millis[1], millis[2], millis[3], before,
                    after);

            client.uploadIntact("u2", address, 8 << 20, Duration.ofSeconds(60));
            client.finishClean();
            server.finishClean();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tcp", "quic"})
    @Timeout(180)
    void withAPortKeepingNatTheConnectionEitherCarriesOnIntactOrFailsTypedOnBothEnds(String transport)
            throws Exception {
        try (FaultLab lab = FaultLab.create("nat-same-port-" + transport)) {
            LabPeer server = lab.server(transport, PartitionTest.KEEP_ALIVE, PartitionTest.IDLE_TIMEOUT,
                    DIAL_TIMEOUT);
            LabPeer client = lab.client(transport, PartitionTest.KEEP_ALIVE, PartitionTest.IDLE_TIMEOUT,
                    DIAL_TIMEOUT);
            String address = server.address(FaultLab.B_IP);
            long up = ThreadLocalRandom.current().nextLong();
            long down = ThreadLocalRandom.current().nextLong();
            client.upload("u1", address, BYTES, up, RATE);
            client.download("d1", address, BYTES, down, RATE);
            client.awaitProgress("upload-progress u1", 4 << 20, Duration.ofSeconds(30));
            lab.flushConntrack();
            long flushed = System.nanoTime();

            LabProcess.Line end = client.process().await(l -> l.text().startsWith("upload-done u1 ")
                    || l.text().startsWith("upload-failed u1 "), "the end of u1", Duration.ofSeconds(60));
            if (end.text().startsWith("upload-done")) {
                String[] upload = end.words(7);
                String[] download = client.await("download-done d1 ", Duration.ofSeconds(60)).words(5);
                assertThat(upload[3] + " " + upload[4] + " " + upload[5] + " " + upload[6]).as("upload")
                        .isEqualTo(BYTES + " " + SeededBytes.expected(up, BYTES) + " " + BYTES + " "
                                + SeededBytes.expected(up, BYTES));
                assertThat(download[3] + " " + download[4]).as("download")
                        .isEqualTo(BYTES + " " + SeededBytes.expected(down, BYTES));
                assertThat(client.process().find("connection-closed")).as("the connection lived").isNull();
                System.out.printf("faultlab nat same port %s: the connection lived%n", transport);
            } else {
                Duration serverBound = Duration.ofSeconds(2);
                Duration clientBound = transport.equals("tcp") ? Duration.ofSeconds(2)
                        : PartitionTest.IDLE_TIMEOUT.plus(PartitionTest.SLACK);
                long[] millis = {server.awaitStreamReset("sink-failed ", flushed, serverBound),
                        server.awaitStreamReset("source-failed ", flushed, serverBound),
                        client.awaitStreamReset("upload-failed u1 ", flushed, clientBound),
                        client.awaitStreamReset("download-failed d1 ", flushed, clientBound)};
                System.out.printf("faultlab nat same port %s: the port changed or the router reset it, stream"
                        + " errors after %d / %d ms (server), %d / %d ms (client)%n", transport, millis[0], millis[1],
                        millis[2], millis[3]);
            }
            client.uploadIntact("u2", address, 8 << 20, Duration.ofSeconds(60));
            client.finishClean();
            server.finishClean();
        }
    }
}
