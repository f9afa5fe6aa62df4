package io.peerflux.kad;

import io.peerflux.peer.PeerInfo;
import java.util.List;
import java.util.Objects;

/**
 * One DHT RPC message, request or response (kad-dht spec, "RPC messages"), decoded: peers whose id or addresses did
 * not parse are already dropped. The state machines and the simulator exchange these; the network binding turns them
 * into protobuf with {@link KadCodec}.
 *
 * @param key empty when absent
 * @param record {@code null} when absent
 */
public record KadMessage(Type type, byte[] key, Record record, List<PeerInfo> closerPeers,
                         List<PeerInfo> providerPeers) {

    /** The message types, with their wire numbers. */
    public enum Type { PUT_VALUE, GET_VALUE, ADD_PROVIDER, GET_PROVIDERS, FIND_NODE, PING }

    /**
     * A stored value.
     *
     * @param timeReceived RFC 3339, set by the receiver; empty when absent
     */
    public record Record(byte[] key, byte[] value, String timeReceived) {

        public Record {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(timeReceived, "timeReceived");
        }
    }

    public KadMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        closerPeers = List.copyOf(closerPeers);
        providerPeers = List.copyOf(providerPeers);
    }

    /** A request of {@code type} for {@code key}, with nothing else set. */
    public static KadMessage request(Type type, byte[] key) {
        return new KadMessage(type, key, null, List.of(), List.of());
    }
}
