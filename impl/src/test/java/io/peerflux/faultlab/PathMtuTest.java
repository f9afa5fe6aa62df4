package io.peerflux.faultlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * QUIC over a link whose MTU is below the 1,480 bytes its largest packets need (the VXLAN overlay's 1,450, like a
 * Kubernetes overlay or WireGuard's 1,420). Before Peerflux set Don't Fragment on its QUIC sockets, path MTU discovery
 * adopted 1,452-byte packets (the kernel fragmented the lone probe), every segmented send of them then failed with
 * EMSGSIZE, and a transfer crawled at kilobytes per second (4 MiB in 90 s). Now the probe is lost, the packet size
 * stays within the link, and 64 MiB take a few seconds.
 */
class PathMtuTest {

    static final long BYTES = 64 << 20;

    @Test
    @Timeout(180)
    void quicRunsAtSpeedOverALinkWithASmallerMtu() throws Exception {
        try (FaultLab lab = FaultLab.create("mtu-quic")) {
            lab.relay(Duration.ZERO, Duration.ZERO);
            Duration timeout = Duration.ofSeconds(30);
            LabPeer server = lab.server("quic", timeout, timeout, Duration.ofSeconds(10));
            LabPeer client = lab.client("quic", timeout, timeout, Duration.ofSeconds(10));
            long started = System.nanoTime();
            client.uploadIntact("u1", server.address(FaultLab.B_OVERLAY), BYTES, Duration.ofSeconds(60));
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("faultlab mtu quic: %d MiB over the 1450-byte MTU overlay in %.1f s%n", BYTES >> 20,
                    millis / 1000.0);
            // About 6 s on the 2-core CI machine; without Don't Fragment 4 MiB took 90 s.
            assertThat(millis).as("ms for %d MiB", BYTES >> 20).isLessThan(40_000);
            client.finishClean();
            server.finishClean();
        }
    }
}
