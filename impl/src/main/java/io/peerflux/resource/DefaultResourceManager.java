package io.peerflux.resource;

import io.peerflux.Direction;
import io.peerflux.LimitExceededException;
import io.peerflux.peer.PeerId;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A host's resource manager: the scope tree of {@link ResourceManager}, the per-network limiter, and the cap on
 * pending inbound connections. Peer and protocol scopes exist while something holds them, so the tree is bounded by
 * the system's connection and stream limits.
 *
 * <p>Pending connections: when the transient scope is full of unauthenticated inbound connections, a new one evicts
 * the oldest (not allowlisted) that has been pending for at least {@link #EVICTABLE_AFTER}, and is refused only when
 * none has. An honest client finishes its handshake in a few round trips, well within that time, so a slowloris
 * that wants to hold the pending cap must open a cap's worth of new connections every {@code EVICTABLE_AFTER},
 * which the per-network rate limits make it pay for, rather than one per handshake timeout.
 */
public final class DefaultResourceManager implements ResourceManager {

    /** How long a pending inbound connection is safe from eviction: longer than an honest handshake takes. */
    public static final java.time.Duration EVICTABLE_AFTER = java.time.Duration.ofSeconds(1);

    private final boolean enabled;
    private final ResourceLimits limits;
    private final LongSupplier nanoTime;
    private final RefusalLog log;
    private final IpLimiter ipLimiter;
    private final Scope system;
    private final Scope transientScope;
    private final ConcurrentHashMap<PeerId, Holder> peers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Holder> protocols = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Scope> services = new ConcurrentHashMap<>();
    /** Unauthenticated inbound connections that may be evicted, oldest first; at most the transient inbound cap. */
    private final LinkedHashSet<Conn> pending = new LinkedHashSet<>();

    private DefaultResourceManager(boolean enabled, ResourceLimits limits, LongSupplier nanoTime) {
        this.enabled = enabled;
        this.limits = limits;
        this.nanoTime = nanoTime;
        this.log = new RefusalLog(limits.logInterval().toNanos(), nanoTime);
        this.ipLimiter = new IpLimiter(limits.ip(), nanoTime, log);
        this.system = new Scope("system", "system", true, limits.system(), log);
        this.transientScope = new Scope("transient", "transient", true, limits.transientScope(), log);
    }

    /** A manager enforcing {@code limits}. */
    public static DefaultResourceManager create(ResourceLimits limits) {
        return create(limits, System::nanoTime);
    }

    static DefaultResourceManager create(ResourceLimits limits, LongSupplier nanoTime) {
        return new DefaultResourceManager(true, Objects.requireNonNull(limits, "limits"), nanoTime);
    }

    /** A manager that counts nothing and refuses nothing. */
    public static DefaultResourceManager disabled() {
        return new DefaultResourceManager(false, ResourceLimits.unlimited(), System::nanoTime);
    }

    // ---- reserving ----

    /**
     * Admits an inbound connection the moment it is accepted, before any byte is read: checks the allowlist, its
     * network's limits and the pending cap, and counts it (and its file descriptor) in the transient and system
     * scopes. The caller must close the connection on refusal and {@link ConnectionResources#close} it when it
     * closes.
     *
     * @param remote the source address, or {@code null} for a transport without one (memory)
     * @param fd whether the connection holds a file descriptor of its own
     * @param evict closes the connection if it is evicted while pending; called at most once, on the caller's thread
     *     of a later admission
     * @throws LimitExceededException when refused
     */
    public ConnectionResources openInbound(InetAddress remote, boolean fd, Runnable evict) {
        if (!enabled) {
            return ConnectionResources.NONE;
        }
        boolean allowlisted = remote != null && limits.allowlist().stream().anyMatch(p -> p.contains(remote));
        IpLimiter.Slot slot = allowlisted ? IpLimiter.NONE : ipLimiter.acquire(remote);
        Conn conn = new Conn(Direction.INBOUND, fd, allowlisted, slot, evict);
        LimitExceededException refusal = conn.admit();
        if (refusal != null && !allowlisted && refusal.scope().startsWith("transient")) {
            Conn oldest = evictablePending();
            if (oldest != null) {
                oldest.close();
                oldest.evict.run();
                refusal = conn.admit();
            }
        }
        if (refusal != null) {
            ipLimiter.release(slot);
            throw refusal;
        }
        if (!allowlisted) {
            synchronized (pending) {
                if (!conn.closed) {
                    pending.add(conn);
                }
            }
        }
        return conn;
    }

    /**
     * Counts an outbound connection to {@code peer} once it is secured, in the peer's and the system scope.
     *
     * @throws LimitExceededException when refused; the caller must close the connection
     */
    public ConnectionResources openOutbound(PeerId peer, boolean fd) {
        if (!enabled) {
            return ConnectionResources.NONE;
        }
        Conn conn = new Conn(Direction.OUTBOUND, fd, false, IpLimiter.NONE, () -> { });
        conn.setPeer(peer);
        return conn;
    }

    /** Takes the oldest pending connection if it has been pending long enough to be evicted. */
    private Conn evictablePending() {
        synchronized (pending) {
            Iterator<Conn> it = pending.iterator();
            if (!it.hasNext()) {
                return null;
            }
            Conn oldest = it.next();
            if (nanoTime.getAsLong() - oldest.admittedAt < EVICTABLE_AFTER.toNanos()) {
                return null;
            }
            it.remove();
            return oldest;
        }
    }

    // ---- the view ----

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public ResourceLimits limits() {
        return limits;
    }

    @Override
    public ResourceUsage system() {
        return system.usage();
    }

    @Override
    public ResourceUsage transientScope() {
        return transientScope.usage();
    }

    @Override
    public ResourceUsage peer(PeerId peer) {
        Holder holder = peers.get(peer);
        return holder == null ? ResourceUsage.ZERO : holder.scope.usage();
    }

    @Override
    public Map<PeerId, ResourceUsage> peers() {
        Map<PeerId, ResourceUsage> out = new HashMap<>();
        peers.forEach((peer, holder) -> out.put(peer, holder.scope.usage()));
        return out;
    }

    @Override
    public Map<String, ResourceUsage> protocols() {
        Map<String, ResourceUsage> out = new HashMap<>();
        protocols.forEach((protocol, holder) -> out.put(protocol, holder.scope.usage()));
        return out;
    }

    @Override
    public ServiceMemory service(String name) {
        Scope scope = services.computeIfAbsent(name, n -> new Scope("service", "service " + n, false,
                ScopeLimit.UNLIMITED, log));
        Scope[] path = {scope, system};
        return new ServiceMemory() {
            @Override
            public boolean reserve(long bytes) {
                return !enabled || Scope.reserveAll(path, Scope.MEMORY, bytes, false) == null;
            }

            @Override
            public void release(long bytes) {
                if (enabled) {
                    Scope.releaseAll(path, Scope.MEMORY, bytes);
                }
            }
        };
    }

    @Override
    public Map<String, ResourceUsage> services() {
        Map<String, ResourceUsage> out = new HashMap<>();
        services.forEach((name, scope) -> out.put(name, scope.usage()));
        return out;
    }

    @Override
    public long refusals() {
        return log.total();
    }

    /** Networks the per-network limiter tracks now. */
    int trackedNetworks() {
        return ipLimiter.tracked();
    }

    @Override
    public String toString() {
        return "ResourceManager[" + (enabled ? "system=" + system() + ", transient=" + transientScope() + ", peers="
                + peers.size() : "disabled") + "]";
    }

    // ---- peer and protocol scopes, kept while held ----

    /** A scope and how many connections and streams hold it; changed only inside the map's compute. */
    private static final class Holder {
        final Scope scope;
        int holders;

        Holder(Scope scope) {
            this.scope = scope;
        }
    }

    private Scope holdPeer(PeerId peer) {
        return peers.compute(peer, (p, h) -> {
            Holder held = h != null ? h : new Holder(new Scope("peer", "peer " + p, false, limits.peer(), log));
            held.holders++;
            return held;
        }).scope;
    }

    private void letGoPeer(PeerId peer) {
        peers.computeIfPresent(peer, (p, h) -> --h.holders == 0 ? null : h);
    }

    private Scope holdProtocol(String protocol) {
        return protocols.compute(protocol, (p, h) -> {
            Holder held = h != null ? h
                    : new Holder(new Scope("protocol", "protocol " + p, false, limits.protocol(p), log));
            held.holders++;
            return held;
        }).scope;
    }

    private void letGoProtocol(String protocol) {
        protocols.computeIfPresent(protocol, (p, h) -> --h.holders == 0 ? null : h);
    }

    // ---- connection and stream scopes ----

    private final class Conn implements ConnectionResources {

        final Direction direction;
        final boolean fd;
        final boolean allowlisted;
        final IpLimiter.Slot slot;
        final Runnable evict;
        /** The connection's own scope: its memory limit. */
        final Scope own;
        final long admittedAt = nanoTime.getAsLong();
        // Guarded by this.
        PeerId peerId;
        Scope peer;
        boolean inTransient;
        volatile boolean closed;

        Conn(Direction direction, boolean fd, boolean allowlisted, IpLimiter.Slot slot, Runnable evict) {
            this.direction = direction;
            this.fd = fd;
            this.allowlisted = allowlisted;
            this.slot = slot;
            this.evict = evict;
            this.own = new Scope("connection", "connection", false, limits.connection(), log);
        }

        /** Counts the new inbound connection in the transient and system scopes. */
        synchronized LimitExceededException admit() {
            Scope[] path = {transientScope, system};
            LimitExceededException refusal = Scope.reserveAll(path, Scope.conn(direction), 1, allowlisted);
            if (refusal == null && fd) {
                refusal = Scope.reserveAll(path, Scope.FD, 1, allowlisted);
                if (refusal != null) {
                    Scope.releaseAll(path, Scope.conn(direction), 1);
                }
            }
            inTransient = refusal == null;
            return refusal;
        }

        @Override
        public synchronized void setPeer(PeerId peerId) {
            if (closed || peer != null) {
                return;
            }
            Scope scope = holdPeer(peerId);
            Scope[] path = inTransient ? new Scope[] {scope} : new Scope[] {scope, system};
            LimitExceededException refusal = Scope.reserveAll(path, Scope.conn(direction), 1, false);
            if (refusal == null && fd) {
                refusal = Scope.reserveAll(path, Scope.FD, 1, false);
                if (refusal != null) {
                    Scope.releaseAll(path, Scope.conn(direction), 1);
                }
            }
            if (refusal != null) {
                letGoPeer(peerId);
                throw refusal;
            }
            if (inTransient) {
                transientScope.release(Scope.conn(direction), 1);
                if (fd) {
                    transientScope.release(Scope.FD, 1);
                }
                inTransient = false;
                synchronized (pending) {
                    pending.remove(this);
                }
            }
            this.peerId = peerId;
            this.peer = scope;
        }

        @Override
        public StreamResources openStream(Direction streamDirection, long memory) {
            PeerId holder;
            synchronized (this) {
                if (closed) {
                    return StreamResources.NONE;
                }
                holder = peerId;
            }
            return new Stream(this, streamDirection, holder, memory);
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                Scope[] path = {inTransient ? transientScope : peer, system};
                Scope.releaseAll(path, Scope.conn(direction), 1);
                if (fd) {
                    Scope.releaseAll(path, Scope.FD, 1);
                }
                if (peerId != null) {
                    letGoPeer(peerId);
                }
            }
            synchronized (pending) {
                pending.remove(this);
            }
            ipLimiter.release(slot);
        }

        @Override
        public String toString() {
            return "ConnectionResources[" + direction + " " + (peerId != null ? peerId : "pending") + "]";
        }
    }

    private final class Stream implements StreamResources {

        final Conn conn;
        final int resource;
        final PeerId peerId;
        final Scope peer;
        final boolean allowlisted;
        // Guarded by this.
        String protocol;
        Scope protocolScope;
        long memory;
        boolean closed;

        /** Reserves the stream and its first {@code initialMemory} bytes, or throws with nothing reserved. */
        Stream(Conn conn, Direction direction, PeerId peerId, long initialMemory) {
            this.conn = conn;
            this.resource = Scope.stream(direction);
            this.peerId = peerId;
            this.peer = peerId != null ? holdPeer(peerId) : null;
            this.allowlisted = conn.allowlisted;
            LimitExceededException refusal = Scope.reserveAll(new Scope[] {peer, transientScope, system}, resource, 1,
                    allowlisted);
            if (refusal == null) {
                refusal = reserveMemory(initialMemory);
                if (refusal != null) {
                    Scope.releaseAll(new Scope[] {peer, transientScope, system}, resource, 1);
                }
            }
            if (refusal != null) {
                if (peerId != null) {
                    letGoPeer(peerId);
                }
                throw refusal;
            }
        }

        @Override
        public synchronized void setProtocol(String protocol) {
            if (closed || protocolScope != null) {
                return;
            }
            Scope scope = holdProtocol(protocol);
            LimitExceededException refusal = scope.reserve(resource, 1, true);
            if (refusal != null) {
                letGoProtocol(protocol);
                throw refusal;
            }
            transientScope.release(resource, 1);
            this.protocol = protocol;
            this.protocolScope = scope;
        }

        @Override
        public synchronized LimitExceededException reserveMemory(long bytes) {
            if (closed || bytes <= 0) {
                return null;
            }
            LimitExceededException refusal = Scope.reserveAll(new Scope[] {conn.own, peer, system}, Scope.MEMORY,
                    bytes, allowlisted);
            if (refusal == null) {
                memory += bytes;
            }
            return refusal;
        }

        @Override
        public synchronized void releaseMemory(long bytes) {
            long n = Math.min(bytes, memory);
            if (n > 0) {
                memory -= n;
                Scope.releaseAll(new Scope[] {conn.own, peer, system}, Scope.MEMORY, n);
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            releaseMemory(memory);
            closed = true;
            Scope.releaseAll(new Scope[] {peer, protocolScope != null ? protocolScope : transientScope, system},
                    resource, 1);
            if (protocolScope != null) {
                letGoProtocol(protocol);
            }
            if (peerId != null) {
                letGoPeer(peerId);
            }
        }
    }
}
