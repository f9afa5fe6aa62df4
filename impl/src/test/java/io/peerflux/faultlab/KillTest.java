package io.peerflux.faultlab;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A peer killed with SIGKILL in the middle of transfers both ways: the survivor's streams (one it sends on, one it
 * receives on) fail with {@link io.peerflux.StreamResetException} within the keep-alive timeout, and a restarted
 * peer is reached again with a checksummed transfer that arrives intact.
 *
 * <p>Over TCP the dead process's kernel still closes its sockets, so the survivor learns at once (a reset or end of
 * stream) and the keep-alive is only the bound. Over UDP nothing is said: the killed side's kernel answers QUIC
 * packets with ICMP port-unreachable, which QUIC ignores (anyone can forge it), so the survivor learns from its idle
 * timeout.
 */
class KillTest {

    @ParameterizedTest(name = "{0}, {1} killed")
    @CsvSource({"tcp, server", "tcp, client", "quic, server", "quic, client"})
    @Timeout(180)
    void theSurvivorsStreamsFailTypedWithinTheTimeout(String transport, String victim) throws Exception {
        Duration bound = (transport.equals("tcp") ? PartitionTest.KEEP_ALIVE.multipliedBy(2)
                : PartitionTest.IDLE_TIMEOUT).plus(PartitionTest.SLACK);
        try (FaultLab lab = FaultLab.create("kill-" + transport + "-" + victim)) {
            LabPeer server = lab.server(transport, PartitionTest.KEEP_ALIVE, PartitionTest.IDLE_TIMEOUT,
                    PartitionTest.DIAL_TIMEOUT);
            LabPeer client = lab.client(transport, PartitionTest.KEEP_ALIVE, PartitionTest.IDLE_TIMEOUT,
                    PartitionTest.DIAL_TIMEOUT);
            client.upload("u1", server.address(FaultLab.B_IP), -1, 1, PartitionTest.RATE);
            client.download("d1", server.address(FaultLab.B_IP), -1, 2, PartitionTest.RATE);
            client.awaitProgress("upload-progress u1", 2 << 20, Duration.ofSeconds(30));
            client.awaitProgress("download-progress d1", 2 << 20, Duration.ofSeconds(30));

            long killed;
            long[] millis;
            if (victim.equals("server")) {
                server.kill();
                killed = System.nanoTime();
                millis = new long[] {client.awaitStreamReset("upload-failed u1 ", killed, bound),
                        client.awaitStreamReset("download-failed d1 ", killed, bound)};
                server = lab.server(transport, PartitionTest.KEEP_ALIVE, PartitionTest.IDLE_TIMEOUT,
                        PartitionTest.DIAL_TIMEOUT);
            } else {
                client.kill();
                killed = System.nanoTime();
                millis = new long[] {server.awaitStreamReset("sink-failed ", killed, bound),
                        server.awaitStreamReset("source-failed ", killed, bound)};
                client = lab.client(transport, PartitionTest.KEEP_ALIVE, PartitionTest.IDLE_TIMEOUT,
                        PartitionTest.DIAL_TIMEOUT);
            }
            System.out.printf("faultlab kill %s %s: the survivor's streams failed after %d and %d ms%n", transport,
                    victim, millis[0], millis[1]);

            client.uploadIntact("u2", server.address(FaultLab.B_IP), 8 << 20, Duration.ofSeconds(60));
            client.finishClean();
            server.finishClean();
        }
    }
}
