package io.peerflux.samples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/** {@code peerflux node}'s stdin commands about connections: {@code connect MULTIADDR} and {@code peers}. */
final class StdinHostCommands {

    private StdinHostCommands() {
    }

    static void register(CommandTable table, Host host) {
        table.register("connect MULTIADDR", args -> host.connect(Multiaddr.of(args.get(0)))
                .map(c -> Output.object().put("peerId", c.remotePeer().toString())));
        table.register("peers", args -> Mono.fromSupplier(() -> {
            Map<PeerId, List<Multiaddr>> peers = new LinkedHashMap<>();
            for (Connection connection : host.connections()) {
                peers.computeIfAbsent(connection.remotePeer(), p -> new ArrayList<>()).add(connection.remoteAddress());
            }
            var answer = Output.object();
            ArrayNode list = answer.putArray("peers");
            peers.forEach((peer, addrs) -> list.add(Output.peer(new PeerInfo(peer, addrs))));
            return answer;
        }));
    }
}
