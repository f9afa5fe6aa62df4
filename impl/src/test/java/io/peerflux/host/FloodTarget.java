package io.peerflux.host;

import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.noise.Noise;
import io.peerflux.transport.tcp.Tcp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A TCP host with the defaults, run in a JVM of its own by {@link PeerstoreFloodTest} (with a small heap), so that a
 * flood against it can exhaust nothing but its own memory. Prints its address, then answers each line on stdin with
 * its state: {@code peers=N heapAfterGc=BYTES}.
 */
public final class FloodTarget {

    private FloodTarget() {
    }

    public static void main(String[] args) throws Exception {
        Host host = Peerflux.host().transport(Tcp.create()).security(Noise.create()).muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler()).listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")).build();
        host.start().block(Duration.ofSeconds(30));
        System.out.println("address " + host.listenAddresses().get(0) + "/p2p/" + host.peerId());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.println("peers=" + ((MemoryPeerstore) host.peerstore()).size() + " heapAfterGc=" + heap);
        }
        host.stop().block(Duration.ofSeconds(30));
    }
}
