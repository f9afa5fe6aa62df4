package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** Which connections a trim closes: the rules of {@link ConnectionManagerConfig}, without a network. */
class ConnectionTrimmerTest {

    static final long MINUTE = Duration.ofMinutes(1).toNanos();
    static final long NOW = 10 * MINUTE;

    final PeerTags tags = new PeerTags();
    final ConnectionTrimmer trimmer = new ConnectionTrimmer(ConnectionManagerConfig.defaults(), tags, List::of,
            Schedulers.immediate());

    static PeerId peer() {
        return PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
    }

    /** A connection named {@code name} of {@code peer}, opened {@code age} nanoseconds before now. */
    static ConnectionTrimmer.Candidate<String> connection(String name, PeerId peer, long age, int streams) {
        return new ConnectionTrimmer.Candidate<>(name, peer, NOW - age, streams);
    }

    @Test
    void lowestValueFirstWholePeersAndNoMoreThanNeeded() {
        PeerId cheap = peer();
        PeerId middling = peer();
        PeerId dear = peer();
        tags.tag(middling, "kad", 5);
        tags.tag(dear, "kad", 50);
        List<ConnectionTrimmer.Candidate<String>> all = List.of(
                connection("dear", dear, 2 * MINUTE, 0),
                connection("middling", middling, 2 * MINUTE, 0),
                connection("cheap-1", cheap, 2 * MINUTE, 0),
                connection("cheap-2", cheap, 2 * MINUTE, 0));
        assertThat(trimmer.choose(all, 1, NOW)).containsExactly("cheap-1", "cheap-2");
        assertThat(trimmer.choose(all, 3, NOW)).containsExactly("cheap-1", "cheap-2", "middling");
        assertThat(trimmer.choose(all, 10, NOW)).containsExactly("cheap-1", "cheap-2", "middling", "dear");
    }

    @Test
    void protectedPeersAndConnectionsInTheirGracePeriodAreNeverChosen() {
        PeerId guarded = peer();
        PeerId young = peer();
        PeerId old = peer();
        tags.protect(guarded, "app");
        tags.tag(old, "kad", 1000);
        List<ConnectionTrimmer.Candidate<String>> all = List.of(
                connection("guarded", guarded, 2 * MINUTE, 0),
                connection("young", young, MINUTE - 1, 0),
                connection("old", old, MINUTE, 0));
        assertThat(trimmer.choose(all, 3, NOW)).containsExactly("old");
    }

    @Test
    void amongEqualValuesPeersWithFewerStreamsGoFirst() {
        List<ConnectionTrimmer.Candidate<String>> all = new ArrayList<>();
        all.add(connection("busy", peer(), 2 * MINUTE, 9));
        all.add(connection("quiet", peer(), 2 * MINUTE, 1));
        assertThat(trimmer.choose(all, 1, NOW)).containsExactly("quiet");
    }
}
