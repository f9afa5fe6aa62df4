package io.peerflux.host;

import io.peerflux.StreamHandler;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.Muxer;
import io.peerflux.resource.ResourceLimits;
import io.peerflux.security.SecureTransport;
import io.peerflux.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link DefaultHost} is built from; assembled and checked by {@link HostBuilder}.
 *
 * @param resourceLimits the resource manager's limits, or {@code null} for a host without a resource manager
 */
record HostConfig(
        PrivateKey identity,
        List<Transport> transports,
        List<SecureTransport> security,
        List<Muxer> muxers,
        List<Multiaddr> listen,
        Map<String, StreamHandler> handlers,
        String agentVersion,
        Duration dialTimeout,
        Duration negotiationTimeout,
        Duration handshakeTimeout,
        int maxPeers,
        long maxPeerstoreBytes,
        ResourceLimits resourceLimits,
        List<UpgradeStep> upgradeSteps,
        ConnectionManagerConfig connectionManager) {
}
