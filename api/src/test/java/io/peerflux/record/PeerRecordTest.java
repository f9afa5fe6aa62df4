package io.peerflux.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.SpecVectors;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.record.InvalidEnvelopeException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Peer records in signed envelopes (RFC 0002, RFC 0003): a known answer from js-libp2p, and every rejection. */
class PeerRecordTest {

    /** The peer-ids spec's Ed25519 key: Ed25519 signatures are deterministic, so its envelopes are too. */
    static final PrivateKey KEY = PrivateKey.unmarshal(SpecVectors.ED25519_PRIVATE);
    static final long SEQ = 1_700_000_000_000_000_000L;
    static final List<Multiaddr> ADDRESSES = List.of(
            Multiaddr.of("/ip4/192.0.2.1/tcp/4001"), Multiaddr.of("/ip6/2001:db8::1/udp/4001/quic-v1"));

    /**
     * {@link #KEY}'s record of {@link #ADDRESSES} with seq {@link #SEQ}, as js-libp2p's {@code @libp2p/peer-record}
     * 9.0.16 ({@code RecordEnvelope.seal(new PeerRecord(…), key).marshal()}) wrote it; js also opened ours.
     */
    static final byte[] JS_SEALED = HexFormat.of().parseHex(
            "0a24080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e120203011a590a260024080112"
                    + "201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e108080a8b1e39fe7cb171a0a0a0804c0"
                    + "000201060fa11a190a172920010db800000000000000000000000191020fa1cd032a40283251f45428d12abd25afd74981"
                    + "15246218ba422f54649d78ecf05ee393e6955b1272f27f37677e5f23ef56c723f7aca93d211cc62dad77be3c508209999f01");

    static final PeerId PEER = PeerId.fromPublicKey(KEY.publicKey());
    static final byte[] PEER_RECORD_TYPE = {0x03, 0x01};

    @Test
    void sealsTheSameBytesAsJsLibp2p() {
        assertThat(PeerRecord.create(KEY, SEQ, ADDRESSES).envelope().bytes()).isEqualTo(JS_SEALED);
    }

    @Test
    void opensJsLibp2psRecord() throws Exception {
        PeerRecord record = PeerRecord.open(JS_SEALED);
        assertThat(record.peerId()).isEqualTo(PEER);
        assertThat(record.seq()).isEqualTo(SEQ);
        assertThat(record.addresses()).isEqualTo(ADDRESSES);
        assertThat(record.envelope().publicKey()).isEqualTo(KEY.publicKey());
        assertThat(record.envelope().payloadType()).isEqualTo(PEER_RECORD_TYPE);
        assertThat(record.envelope().size()).isEqualTo(record.envelope().bytes().length);
        assertThat(record.envelope().bytes()).isEqualTo(JS_SEALED);
        assertThat(record).isEqualTo(PeerRecord.create(KEY, SEQ, ADDRESSES));
    }

    @Test
    void anotherDomainsSignatureDoesNotVerify() {
        Envelope other = Envelope.seal(KEY, "libp2p-routing-state", PEER_RECORD_TYPE, payload(PEER.bytes(), 1));
        rejected(() -> PeerRecord.open(other.bytes()), Reason.BAD_SIGNATURE);
    }

    @Test
    void aChangedSignatureDoesNotVerify() {
        byte[] tampered = JS_SEALED.clone();
        tampered[tampered.length - 1] ^= 1;
        rejected(() -> PeerRecord.open(tampered), Reason.BAD_SIGNATURE);
    }

    @Test
    void anotherPayloadTypeIsNotAPeerRecord() {
        Envelope other = Envelope.seal(KEY, PeerRecord.DOMAIN, new byte[] {0x03, 0x02}, payload(PEER.bytes(), 1));
        rejected(() -> PeerRecord.open(other.bytes()), Reason.WRONG_PAYLOAD_TYPE);
    }

    @Test
    void aRecordOfAnotherPeerIsRejected() {
        PrivateKey mallory = PrivateKey.generateEd25519();
        Envelope forged = Envelope.seal(mallory, PeerRecord.DOMAIN, PEER_RECORD_TYPE, payload(PEER.bytes(), 1));
        rejected(() -> PeerRecord.open(forged.bytes()), Reason.PEER_ID_MISMATCH);
    }

    @Test
    void malformedEnvelopesAndRecordsAreRejected() {
        rejected(() -> PeerRecord.open(new byte[] {0x0a, 0x05, 0x01}), Reason.MALFORMED);
        rejected(() -> PeerRecord.open(new byte[] {0x12, 0x00}), Reason.MALFORMED); // no public key
        rejected(() -> PeerRecord.open(new byte[] {0x0b}), Reason.MALFORMED); // group wire type
        // A length of 2^64 - 1, negative as a long (found by EnvelopeFuzzerTest)
        rejected(() -> PeerRecord.open(new byte[] {0x0a, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01}), Reason.MALFORMED);
        rejected(() -> PeerRecord.open(sealed(new byte[] {0x10, 0x01})), Reason.MALFORMED); // no peer id
        rejected(() -> PeerRecord.open(sealed(new byte[] {0x0a, 0x02, 0x00, 0x00})), Reason.MALFORMED); // bad id
        rejected(() -> PeerRecord.open(sealed(new byte[] {0x12, 0x00})), Reason.MALFORMED); // seq as bytes
    }

    @Test
    void limitsAreEnforced() {
        rejected(() -> PeerRecord.open(new byte[Envelope.MAX_SIZE + 1]), Reason.TOO_LARGE);
        byte[] tooMany = payload(PEER.bytes(), PeerRecord.MAX_ADDRESSES + 1);
        rejected(() -> PeerRecord.open(sealed(tooMany)), Reason.TOO_LARGE);
        assertThatThrownBy(() -> PeerRecord.create(KEY, 1,
                Collections.nCopies(PeerRecord.MAX_ADDRESSES + 1, ADDRESSES.get(0))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAddressOfAnUnknownProtocolIsLeftOutAndTheRestKept() throws Exception {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes(payload(PEER.bytes(), 1));
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        Protobuf.writeBytes(info, 1, new byte[] {(byte) 0xff, 0x7f, 0x00}); // protocol code 0x3fff: unassigned
        Protobuf.writeBytes(payload, 3, info.toByteArray());
        assertThat(PeerRecord.open(sealed(payload.toByteArray())).addresses()).containsExactly(ADDRESSES.get(0));
    }

    @Test
    void unknownFieldsAreSkippedAndSeqZeroIsLeftOut() throws Exception {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        Protobuf.writeBytes(payload, 1, PEER.bytes());
        Protobuf.writeUint64(payload, 9, 7);
        payload.writeBytes(new byte[] {0x25, 1, 2, 3, 4, 0x29, 1, 2, 3, 4, 5, 6, 7, 8}); // fields 4 (I32), 5 (I64)
        PeerRecord record = PeerRecord.open(sealed(payload.toByteArray()));
        assertThat(record.seq()).isZero();
        assertThat(record.addresses()).isEmpty();
        assertThat(PeerRecord.create(KEY, 0, List.of()).envelope().payload()).isEqualTo(payload(PEER.bytes(), 0));
    }

    @Test
    void sequenceNumbersCompareUnsigned() {
        PeerRecord low = PeerRecord.create(KEY, Long.MAX_VALUE, ADDRESSES);
        PeerRecord high = PeerRecord.create(KEY, -1L, ADDRESSES); // 2^64 - 1
        assertThat(high.isNewerThan(low)).isTrue();
        assertThat(low.isNewerThan(high)).isFalse();
        assertThat(low.isNewerThan(low)).isFalse();
    }

    @Test
    void envelopesOfOtherDomainsRoundTrip() throws Exception {
        Envelope sealed = Envelope.seal(KEY, "peerflux-test", new byte[] {0x2f}, new byte[] {1, 2, 3});
        Envelope opened = Envelope.open(sealed.bytes(), "peerflux-test");
        assertThat(opened).isEqualTo(sealed);
        assertThat(opened.payload()).containsExactly(1, 2, 3);
        assertThat(opened.payloadType()).containsExactly(0x2f);
        rejected(() -> Envelope.open(sealed.bytes(), "peerflux-other"), Reason.BAD_SIGNATURE);
    }

    /** A peer record payload of {@code peerId}, seq 1 (none if {@code addresses} is 0), with addresses. */
    static byte[] payload(byte[] peerId, int addresses) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Protobuf.writeBytes(out, 1, peerId);
        if (addresses > 0) {
            Protobuf.writeUint64(out, 2, 1);
        }
        for (int i = 0; i < addresses; i++) {
            ByteArrayOutputStream info = new ByteArrayOutputStream();
            Protobuf.writeBytes(info, 1, ADDRESSES.get(0).bytes());
            Protobuf.writeBytes(out, 3, info.toByteArray());
        }
        return out.toByteArray();
    }

    /** {@code payload} sealed by {@link #KEY} as a peer record. */
    static byte[] sealed(byte[] payload) {
        return Envelope.seal(KEY, PeerRecord.DOMAIN, PEER_RECORD_TYPE, payload).bytes();
    }

    static void rejected(ThrowingCallable open, Reason reason) {
        assertThatThrownBy(open).isInstanceOfSatisfying(InvalidEnvelopeException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
