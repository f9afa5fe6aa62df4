package io.peerflux.resource;

import io.peerflux.peer.PeerId;
import java.util.Map;

/**
 * A read-only view of a host's resource manager: its limits and what each scope holds now. Every method is
 * thread-safe and cheap (a snapshot under each scope's own lock), meant for metrics and diagnostics.
 *
 * <p>Scopes: {@code system} holds everything; {@code transient} holds inbound connections until their peer is
 * authenticated and streams until their protocol is negotiated; a {@code peer} scope holds that peer's connections,
 * streams and buffer memory; a {@code protocol} scope holds the negotiated streams of one protocol id; a
 * {@code service} scope holds the state of a host-wide service, such as the DHT's stores.
 */
public interface ResourceManager {

    /** {@code false} for a host built without a resource manager: every usage is then zero and nothing is refused. */
    boolean enabled();

    ResourceLimits limits();

    ResourceUsage system();

    /** Connections not yet authenticated and streams not yet negotiated. */
    ResourceUsage transientScope();

    /** What {@code peer} holds, {@link ResourceUsage#ZERO} when nothing. */
    ResourceUsage peer(PeerId peer);

    /** Every peer that holds something now (at most as many as the system's connections and streams allow). */
    Map<PeerId, ResourceUsage> peers();

    /** Every protocol with negotiated streams now. */
    Map<String, ResourceUsage> protocols();

    /**
     * The memory of the service named {@code name} (e.g. {@code kad}): one scope per name, under the system scope. The
     * names are the host's services' own, never a remote's input.
     */
    ServiceMemory service(String name);

    /** Every service scope and what it holds now. */
    Map<String, ResourceUsage> services();

    /** How many reservations were refused since the host was built. */
    long refusals();
}
