package io.peerflux.samples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Prints a peer's identify record. */
@Command(name = "identify", description = "Print a peer's identify record as JSON.")
final class IdentifyCommand implements Callable<Integer> {

    @Mixin
    HostOptions options;

    @Parameters(paramLabel = "MULTIADDR", description = "The peer's address.")
    String address;

    @Override
    public Integer call() throws Exception {
        Host host = options.build();
        try {
            IdentifyInfo info = host.connect(Multiaddr.of(address)).flatMap(c -> c.identify()).block();
            ObjectNode out = Output.object()
                    .put("peerId", PeerId.fromPublicKey(info.publicKey()).toString())
                    .put("agentVersion", info.agentVersion())
                    .put("protocolVersion", info.protocolVersion())
                    .put("publicKey", info.publicKey().type().name());
            info.protocols().forEach(out.putArray("protocols")::add);
            var listen = out.putArray("listenAddrs");
            info.listenAddresses().forEach(a -> listen.add(a.toString()));
            out.put("observedAddr", info.observedAddress() == null ? null : info.observedAddress().toString());
            Output.print(System.out, out);
            return 0;
        } finally {
            host.stop().block();
        }
    }
}
