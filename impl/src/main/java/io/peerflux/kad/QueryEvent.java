package io.peerflux.kad;

import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.List;

/**
 * What happens during one DHT query, as it happens: the low-level view that {@link Kademlia#query} streams and the
 * other operations are built on. A query's events end with one {@link Finished}.
 */
public sealed interface QueryEvent {

    /** A request of {@code type} went to {@code peer}. */
    record RequestSent(PeerId peer, KadMessage.Type type) implements QueryEvent {}

    /**
     * {@code peer} answered after {@code roundTripNanos}.
     *
     * @param record the value it returned (GET_VALUE), or {@code null}
     */
    record PeerResponse(PeerId peer, long roundTripNanos, List<PeerInfo> closerPeers, List<PeerInfo> providers,
                        byte[] record) implements QueryEvent {}

    /** The request to {@code peer} failed, or its answer was rejected; the query goes on without it. */
    record PeerError(PeerId peer, String reason) implements QueryEvent {}

    /** A provider not seen before in this query ({@code from} is {@code null} for our own store). */
    record ProviderFound(PeerInfo provider, PeerId from) implements QueryEvent {}

    /** A valid value better than any seen before in this query ({@code from} is {@code null} for our own store). */
    record ValueFound(byte[] value, PeerId from) implements QueryEvent {}

    /** A peer the query ends on: one of the k closest that answered, or the peer a find-peer looked for. */
    record FinalPeer(PeerInfo peer) implements QueryEvent {}

    /** A PUT_VALUE or ADD_PROVIDER reached {@code peer}. */
    record Stored(PeerId peer) implements QueryEvent {}

    /** The query is over; no event follows. */
    record Finished(Outcome outcome, int peersAsked) implements QueryEvent {}

    /** Why a query ended. */
    enum Outcome {
        /** The lookup ran to its end: the k closest peers seen answered, or nobody was left to ask. */
        COMPLETED,
        /** It found what it looked for first (a find-peer's peer, a get's quorum, enough providers). */
        FOUND,
        /** The whole-query timeout ran out; what it found was emitted. */
        TIMED_OUT,
        /** The caller cancelled it. */
        CANCELLED
    }
}
