package io.peerflux.protocol.identify;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import java.io.ByteArrayOutputStream;
import io.peerflux.multiformats.Varint;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.protocol.identify.pb.IdentifyProtos;
import com.google.protobuf.ByteString;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerflux.IdentifyInfo;
import io.peerflux.ProtocolViolationException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.record.PeerRecord;
import java.util.HexFormat;
import java.util.List;

/**
 * Jazzer fuzz target: {@link Identify#decode} of arbitrary bytes (length-prefixed records) returns a record within
 * the limits or throws a stream-scoped {@link ProtocolViolationException}; a signed peer record it keeps is the
 * authenticated peer's. See docs/fuzzing.md.
 */
class IdentifyFuzzerTest {

    /** The peer-ids spec's Ed25519 key: fixed, so that the seed's signed peer record verifies on every run. */
    private static final PrivateKey REMOTE = PrivateKey.unmarshal(HexFormat.of().parseHex(
            "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8fd4"
                    + "b47bf3d3b34b871c3cacf6010f0e42d474fce27e"));
    private static final PublicKey AUTHENTICATED = REMOTE.publicKey();

    @FuzzTest
    void fuzz(byte[] input) {
        IdentifyInfo info;
        try {
            info = Identify.decode(input, AUTHENTICATED);
        } catch (ProtocolViolationException rejected) {
            assertThat(rejected.scope()).isEqualTo(ProtocolViolationException.Scope.STREAM);
            return;
        }
        assertThat(info.publicKey()).isNotNull();
        assertThat(info.listenAddresses()).hasSizeLessThanOrEqualTo(Identify.MAX_ENTRIES);
        assertThat(info.protocols()).hasSizeLessThanOrEqualTo(Identify.MAX_ENTRIES);
        if (info.signedPeerRecord() != null) {
            assertThat(info.signedPeerRecord().peerId().matches(AUTHENTICATED)).isTrue();
        }
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        byte[] full = IdentifyProtos.Identify.newBuilder()
                .setProtocolVersion(Identify.PROTOCOL_VERSION)
                .setAgentVersion("peerflux/fuzz")
                .setPublicKey(ByteString.copyFrom(AUTHENTICATED.marshal()))
                .setObservedAddr(ByteString.copyFrom(Multiaddr.of("/ip4/1.2.3.4/tcp/4001").bytes()))
                .addListenAddrs(ByteString.copyFrom(Multiaddr.of("/ip6/::1/udp/4001/quic-v1").bytes()))
                .addListenAddrs(ByteString.copyFrom(Multiaddr.of("/dns4/example.com/tcp/443/wss").bytes()))
                .addProtocols(Identify.PROTOCOL_ID)
                .addProtocols("/ipfs/ping/1.0.0")
                .build().toByteArray();
        byte[] keyless = IdentifyProtos.Identify.newBuilder().addProtocols("/ipfs/id/push/1.0.0").build().toByteArray();
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        for (byte[] record : new byte[][] {full, keyless}) {
            both.writeBytes(Varint.encode(record.length));
            both.writeBytes(record);
        }
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        one.writeBytes(Varint.encode(full.length));
        one.writeBytes(full);
        seeds.addVarying(target, "record", one.toByteArray());
        seeds.addVarying(target, "two-records", both.toByteArray());
        byte[] signed = IdentifyProtos.Identify.newBuilder()
                .addListenAddrs(ByteString.copyFrom(Multiaddr.of("/ip4/1.2.3.4/tcp/4001").bytes()))
                .setSignedPeerRecord(ByteString.copyFrom(PeerRecord.create(REMOTE, 1_700_000_000_000L,
                        List.of(Multiaddr.of("/ip4/1.2.3.4/tcp/4001"))).envelope().bytes()))
                .build().toByteArray();
        ByteArrayOutputStream withRecord = new ByteArrayOutputStream();
        withRecord.writeBytes(Varint.encode(signed.length));
        withRecord.writeBytes(signed);
        seeds.add(target, "signed-peer-record", withRecord.toByteArray());
        seeds.verifyOrWrite();
    }
}
