package io.peerflux.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MessageSigningTest {

    private static final HexFormat HEX = HexFormat.of();

    /**
     * Known answer made with js-libp2p's crypto (@libp2p/crypto 5.1.23, pinned in interop/package.json): the Ed25519
     * key of seed 01..20 signed "libp2p-pubsub:" and Message{from, data="hello", seqno=1, topic="news"}, the
     * protobuf written out by hand in the script.
     */
    @Test
    void signsWhatJsLibp2pSigns() {
        PrivateKey key = PrivateKey.unmarshal(HEX.parseHex("080112400102030405060708090a0b0c0d0e0f10111213141516"
                + "1718191a1b1c1d1e1f2079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664"));
        Message m = MessageSigning.sign("news", "hello".getBytes(StandardCharsets.UTF_8), 1, key);
        assertThat(m.from()).isEqualTo(HEX.parseHex("00240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e"
                + "3910bad049664"));
        assertThat(m.seqno()).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(m.signature()).isEqualTo(HEX.parseHex("35fdc84cf9501b0cc378c9db9769e246695dad5a805c58822d22ce73e291"
                + "0e1f578f3b5c3cc99b40bd8f17d7f5f65b260e216373a319055745ca5146f82f5908"));
        assertThat(m.key()).as("an Ed25519 id inlines its key").isNull();
        assertThat(MessageSigning.check(m, SignaturePolicy.STRICT_SIGN)).isEmpty();
    }

    @Test
    void aHashedIdCarriesItsKeyAndVerifies() {
        PrivateKey key = PrivateKey.generateEcdsaP256();
        Message m = MessageSigning.sign("t", new byte[] {1}, 7, key);
        assertThat(PeerId.fromBytes(m.from()).publicKey()).isEmpty();
        assertThat(m.key()).isEqualTo(key.publicKey().marshal());
        assertThat(MessageSigning.check(m, SignaturePolicy.STRICT_SIGN)).isEmpty();
    }

    @Test
    void strictSignRejectsWhatDoesNotVerify() {
        Message m = MessageSigning.sign("t", new byte[] {1}, 7, PubsubFixtures.key(1));
        Message otherData = new Message("t", new byte[] {2}, m.from(), m.seqno(), m.signature(), null);
        Message otherTopic = new Message("u", m.data(), m.from(), m.seqno(), m.signature(), null);
        Message noSignature = new Message("t", m.data(), m.from(), m.seqno(), null, null);
        Message shortSeqno = new Message("t", m.data(), m.from(), new byte[7], m.signature(), null);
        Message badFrom = new Message("t", m.data(), new byte[] {1, 2}, m.seqno(), m.signature(), null);
        Message strangersKey = new Message("t", m.data(), m.from(), m.seqno(), m.signature(),
                PubsubFixtures.key(2).publicKey().marshal());
        Message garbageKey = new Message("t", m.data(), m.from(), m.seqno(), m.signature(), new byte[] {1});
        PrivateKey ecdsa = PrivateKey.generateEcdsaP256();
        Message hashedWithoutKey = MessageSigning.sign("t", new byte[] {1}, 7, ecdsa);
        hashedWithoutKey = new Message("t", hashedWithoutKey.data(), hashedWithoutKey.from(),
                hashedWithoutKey.seqno(), hashedWithoutKey.signature(), null);

        assertThat(MessageSigning.check(otherData, SignaturePolicy.STRICT_SIGN)).contains(Rejection.INVALID_SIGNATURE);
        assertThat(MessageSigning.check(otherTopic, SignaturePolicy.STRICT_SIGN)).contains(Rejection.INVALID_SIGNATURE);
        assertThat(MessageSigning.check(noSignature, SignaturePolicy.STRICT_SIGN))
                .contains(Rejection.MISSING_SIGNATURE_FIELDS);
        assertThat(MessageSigning.check(shortSeqno, SignaturePolicy.STRICT_SIGN)).contains(Rejection.INVALID_SEQNO);
        assertThat(MessageSigning.check(badFrom, SignaturePolicy.STRICT_SIGN)).contains(Rejection.INVALID_FROM);
        assertThat(MessageSigning.check(strangersKey, SignaturePolicy.STRICT_SIGN)).contains(Rejection.INVALID_KEY);
        assertThat(MessageSigning.check(garbageKey, SignaturePolicy.STRICT_SIGN)).contains(Rejection.INVALID_KEY);
        assertThat(MessageSigning.check(hashedWithoutKey, SignaturePolicy.STRICT_SIGN)).contains(Rejection.INVALID_KEY);
    }

    @Test
    void strictNoSignRejectsAnySigningField() {
        assertThat(MessageSigning.check(new Message("t", new byte[] {1}, null, null, null, null),
                SignaturePolicy.STRICT_NO_SIGN)).isEmpty();
        byte[] empty = new byte[0];
        assertThat(MessageSigning.check(new Message("t", null, empty, null, null, null),
                SignaturePolicy.STRICT_NO_SIGN)).as("present though empty").contains(Rejection.UNEXPECTED_SIGNATURE_FIELDS);
        assertThat(MessageSigning.check(new Message("t", null, null, empty, null, null),
                SignaturePolicy.STRICT_NO_SIGN)).contains(Rejection.UNEXPECTED_SIGNATURE_FIELDS);
        assertThat(MessageSigning.check(new Message("t", null, null, null, empty, null),
                SignaturePolicy.STRICT_NO_SIGN)).contains(Rejection.UNEXPECTED_SIGNATURE_FIELDS);
        assertThat(MessageSigning.check(new Message("t", null, null, null, null, empty),
                SignaturePolicy.STRICT_NO_SIGN)).contains(Rejection.UNEXPECTED_SIGNATURE_FIELDS);
        Message signed = MessageSigning.sign("t", new byte[] {1}, 1, PubsubFixtures.key(1));
        assertThat(MessageSigning.check(signed, SignaturePolicy.STRICT_NO_SIGN))
                .contains(Rejection.UNEXPECTED_SIGNATURE_FIELDS);
    }

    @Test
    void theDefaultIdIsFromThenSeqno() {
        Message m = MessageSigning.sign("t", new byte[] {1}, 0x0102, PubsubFixtures.key(1));
        byte[] from = PubsubFixtures.peer(1).bytes();
        byte[] expected = java.util.Arrays.copyOf(from, from.length + 8);
        expected[expected.length - 2] = 1;
        expected[expected.length - 1] = 2;
        assertThat(MessageIdFunction.FROM_AND_SEQNO.apply(m)).isEqualTo(MessageId.of(expected));
    }

    @Test
    void messagesAreImmutable() {
        byte[] data = {1, 2};
        Message m = new Message("t", data, null, null, null, null);
        data[0] = 9;
        m.data()[1] = 9;
        assertThat(m.data()).containsExactly(1, 2);
    }
}
