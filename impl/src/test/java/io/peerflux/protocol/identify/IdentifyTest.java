package io.peerflux.protocol.identify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.peerflux.IdentifyInfo;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Varint;
import io.peerflux.protocol.identify.pb.IdentifyProtos;
import io.peerflux.record.PeerRecord;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The signed peer record in identify: kept when it is the sender's own and verifies, else left out alone. */
class IdentifyTest {

    static final PrivateKey REMOTE = PrivateKey.generateEd25519();
    static final Multiaddr LISTEN = Multiaddr.of("/ip4/192.0.2.1/tcp/4001");

    @Test
    void theRemotesOwnRecordIsKept() {
        PeerRecord record = PeerRecord.create(REMOTE, 5, List.of(LISTEN));
        IdentifyInfo info = Identify.decode(message(record.envelope().bytes()), REMOTE.publicKey());
        assertThat(info.signedPeerRecord()).isEqualTo(record);
        assertThat(info.signedPeerRecord().addresses()).containsExactly(LISTEN);
    }

    @Test
    void aRecordThatDoesNotVerifyIsLeftOutAndTheRestKept() {
        byte[] tampered = PeerRecord.create(REMOTE, 5, List.of(LISTEN)).envelope().bytes();
        tampered[tampered.length - 1] ^= 1;
        assertLeftOut(Identify.decode(message(tampered), REMOTE.publicKey()));
        assertLeftOut(Identify.decode(message(new byte[] {1, 2, 3}), REMOTE.publicKey()));
    }

    @Test
    void anotherPeersValidRecordIsLeftOut() {
        byte[] relayed = PeerRecord.create(PrivateKey.generateEd25519(), 5, List.of(LISTEN)).envelope().bytes();
        assertLeftOut(Identify.decode(message(relayed), REMOTE.publicKey()));
    }

    static void assertLeftOut(IdentifyInfo info) {
        assertThat(info.signedPeerRecord()).isNull();
        assertThat(info.listenAddresses()).containsExactly(LISTEN);
        assertThat(info.protocols()).containsExactly(Identify.PROTOCOL_ID);
        assertThat(info.publicKey()).isEqualTo(REMOTE.publicKey());
    }

    /** A length-prefixed identify record from {@link #REMOTE} carrying {@code signedPeerRecord}. */
    static byte[] message(byte[] signedPeerRecord) {
        byte[] record = IdentifyProtos.Identify.newBuilder()
                .setPublicKey(ByteString.copyFrom(REMOTE.publicKey().marshal()))
                .addListenAddrs(ByteString.copyFrom(LISTEN.bytes()))
                .addProtocols(Identify.PROTOCOL_ID)
                .setSignedPeerRecord(ByteString.copyFrom(signedPeerRecord))
                .build().toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Varint.encode(record.length));
        out.writeBytes(record);
        return out.toByteArray();
    }
}
