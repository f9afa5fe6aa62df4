package io.peerflux.kad.record;

import static io.peerflux.kad.record.IpnsRecordTest.ECDSA;
import static io.peerflux.kad.record.IpnsRecordTest.ED25519;
import static io.peerflux.kad.record.IpnsRecordTest.NOW;
import static io.peerflux.kad.record.IpnsRecordTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The namespace registry, record keys as text, and the pk and accept-any validators. */
class ValidatorsTest {

    private final Validators defaults = Validators.defaults();

    @Test
    void theNamespaceIsTheTextBetweenTheFirstTwoSlashes() throws InvalidRecordException {
        assertThat(Validators.namespace(utf8("/ipns/x/y"))).isEqualTo("ipns");
        assertThat(Validators.namespace(utf8("/pk/"))).isEqualTo("pk");
        assertThat(Validators.namespace(utf8("/é/\u0000"))).isEqualTo("é");
    }

    @Test
    void malformedKeysHaveNoNamespace() {
        for (byte[] key : List.of(new byte[0], utf8("ipns/x"), utf8("/ipns"), utf8("//x"), utf8("/"),
                new byte[] {'/', (byte) 0xff, '/', 'x'})) {
            assertThatThrownBy(() -> Validators.namespace(key)).as(Arrays.toString(key))
                    .isInstanceOf(InvalidRecordException.class);
            assertThatThrownBy(() -> defaults.forKey(key)).isInstanceOf(InvalidRecordException.class);
        }
    }

    @Test
    void defaultsServePkAndIpnsOnly() throws InvalidRecordException {
        assertThat(defaults.forKey(utf8("/pk/x"))).isInstanceOf(PublicKeyValidator.class);
        assertThat(defaults.forKey(utf8("/ipns/x"))).isInstanceOf(IpnsValidator.class);
        assertThatThrownBy(() -> defaults.forKey(utf8("/v/x")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("no validator for namespace \"v\"; known: [ipns, pk]");
    }

    @Test
    void withNamespaceAddsToACopy() throws InvalidRecordException {
        Validators withPrivate = defaults.withNamespace("myapp", new AcceptAnyValidator());

        withPrivate.validate(utf8("/myapp/anything"), new byte[] {1, 2, 3}, NOW);
        assertThat(withPrivate.select(utf8("/myapp/x"), List.of(new byte[] {1}, new byte[] {2}))).isZero();
        assertThat(withPrivate.expiry(utf8("/myapp/x"), new byte[0], NOW)).isEqualTo(NOW.plus(Duration.ofHours(36)));
        assertThat(withPrivate.forKey(utf8("/ipns/x"))).isInstanceOf(IpnsValidator.class);
        assertThatThrownBy(() -> defaults.forKey(utf8("/myapp/x"))).isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> defaults.withNamespace("", new AcceptAnyValidator()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withNamespace("a/b", new AcceptAnyValidator()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dispatchReachesTheIpnsValidator() throws InvalidRecordException {
        byte[] key = IpnsRecordTest.key(ED25519);
        byte[] first = IpnsRecord.create(ED25519, utf8("/ipfs/a"), 1, NOW.plusSeconds(60), Duration.ZERO).marshal();
        byte[] second = IpnsRecord.create(ED25519, utf8("/ipfs/b"), 2, NOW.plusSeconds(60), Duration.ZERO).marshal();

        defaults.validate(key, first, NOW);
        assertThat(defaults.select(key, List.of(first, second))).isEqualTo(1);
        assertThat(defaults.expiry(key, first, NOW)).isEqualTo(NOW.plusSeconds(60));
        assertThatThrownBy(() -> defaults.validate(key, first, NOW.plusSeconds(60)))
                .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void aPublicKeyIsValidUnderItsOwnPeerIdOnly() throws InvalidRecordException {
        PublicKeyValidator validator = new PublicKeyValidator();
        for (PrivateKey key : List.of(ECDSA, ED25519)) {
            validator.validate(pkKey(key), key.publicKey().marshal(), NOW);
            defaults.validate(pkKey(key), key.publicKey().marshal(), NOW);
        }
        assertThatThrownBy(() -> validator.validate(pkKey(ECDSA), ED25519.publicKey().marshal(), NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("not of the peer id in the record key");
        assertThatThrownBy(() -> validator.validate(pkKey(ECDSA), new byte[] {8, 1}, NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("not a public key");
        assertThatThrownBy(() -> validator.validate(utf8("/ipns/x"), ECDSA.publicKey().marshal(), NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("does not start with /pk/");
        assertThat(validator.select(pkKey(ECDSA), List.of(new byte[0], new byte[0]))).isZero();
        assertThat(validator.expiry(pkKey(ECDSA), new byte[0], NOW)).isEqualTo(NOW.plus(Duration.ofHours(36)));
    }

    @Test
    void peerIdKeysParseFromEitherTextForm() {
        PeerId id = PeerId.fromPublicKey(ED25519.publicKey());
        byte[] binary = pkKey(ED25519);
        byte[] ipns = IpnsRecordTest.key(ED25519);

        assertThat(Validators.parseKey("/pk/" + id.toBase58())).isEqualTo(binary);
        assertThat(Validators.parseKey("/ipns/" + id.toCid())).isEqualTo(ipns);
        assertThat(Validators.formatKey(ipns)).isEqualTo("/ipns/" + id.toBase58());
        assertThat(Validators.formatKey(binary)).isEqualTo("/pk/" + id.toBase58());
    }

    @Test
    void otherKeysAreText() {
        assertThat(Validators.parseKey("/myapp/a/b c")).isEqualTo(utf8("/myapp/a/b c"));
        assertThat(Validators.parseKey("/myapp/")).isEqualTo(utf8("/myapp/"));
        assertThat(Validators.formatKey(utf8("/ipns/not-a-peer-id"))).isEqualTo("/ipns/not-a-peer-id");
        assertThat(Validators.formatKey(new byte[] {'/', 'a', '/', (byte) 0xff})).isEqualTo("/a/\ufffd");
    }

    @Test
    void malformedTextKeysAreRejected() {
        for (String text : List.of("", "ipns/x", "/ipns", "//x", "/ipns/example.com", "/pk/")) {
            assertThatThrownBy(() -> Validators.parseKey(text)).as(text).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property(tries = 300)
    void textKeysRoundTrip(@ForAll @AlphaChars @StringLength(min = 1, max = 12) String namespace,
                           @ForAll @AlphaChars @NumericChars @Chars({'/', '-', '.', ' ', 'é', '✓'}) String rest) {
        String text = "/" + namespace + "/" + rest;
        if (namespace.equals("pk") || namespace.equals("ipns")) {
            return;
        }
        assertThat(Validators.formatKey(Validators.parseKey(text))).isEqualTo(text);
    }

    static byte[] pkKey(PrivateKey key) {
        byte[] prefix = utf8("/pk/");
        byte[] id = PeerId.fromPublicKey(key.publicKey()).bytes();
        byte[] pk = Arrays.copyOf(prefix, prefix.length + id.length);
        System.arraycopy(id, 0, pk, prefix.length, id.length);
        return pk;
    }
}
