package io.peerflux.crypto;

import static io.peerflux.crypto.SpecVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Secp256k1KeyTest {

    private static final BigInteger N = EcCurve.SECP256K1.domain.getN();
    private static final byte[] SATOSHI = "Satoshi Nakamoto".getBytes(StandardCharsets.US_ASCII);

    private static PrivateKey key(BigInteger d) {
        return PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.SECP256K1, BigIntegers.asUnsignedByteArray(32, d)));
    }

    /**
     * The widely used RFC 6979 secp256k1/SHA-256 vectors (as in python-ecdsa and trezor-crypto), with
     * s in low-S form. For d = 1 the raw s is above n/2, so this also checks the low-S step.
     */
    @ParameterizedTest
    @CsvSource({
        "1, 3045022100934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
                + "02202442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5",
        "-1, 3045022100fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0"
                + "02206b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5",
    })
    void deterministicLowSSignatures(int scalar, String signature) {
        PrivateKey key = key(scalar > 0 ? BigInteger.valueOf(scalar) : N.add(BigInteger.valueOf(scalar)));

        assertThat(key.sign(SATOSHI)).isEqualTo(hex(signature));
        assertThat(key.publicKey().verify(SATOSHI, hex(signature))).isTrue();
    }

    @Test
    void theGeneratorIsThePublicKeyOfOne() {
        assertThat(key(BigInteger.ONE).publicKey().raw())
                .isEqualTo(hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"));
    }

    @Test
    void acceptsHighSLikeGoLibp2p() {
        PrivateKey key = PrivateKey.generateSecp256k1();
        ASN1Sequence signature = ASN1Sequence.getInstance(key.sign(SATOSHI));
        BigInteger r = ASN1Integer.getInstance(signature.getObjectAt(0)).getValue();
        BigInteger s = ASN1Integer.getInstance(signature.getObjectAt(1)).getValue();
        assertThat(s).isLessThanOrEqualTo(N.shiftRight(1));

        assertThat(key.publicKey().verify(SATOSHI, der(r, N.subtract(s)))).isTrue();
        assertThat(key.publicKey().verify(SATOSHI, der(r, s.add(BigInteger.ONE)))).isFalse();
    }

    @Test
    void rejectsSignaturesThatAreNotStrictDerOrOutOfRange() {
        PrivateKey key = key(BigInteger.ONE);
        byte[] good = key.sign(SATOSHI);
        PublicKey publicKey = key.publicKey();
        BigInteger r = new BigInteger("934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8", 16);
        BigInteger s = new BigInteger("2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5", 16);
        assertThat(publicKey.verify(SATOSHI, good)).isTrue();

        byte[] longFormLength = new byte[good.length + 1];
        longFormLength[0] = 0x30;
        longFormLength[1] = (byte) 0x81;
        System.arraycopy(good, 1, longFormLength, 2, good.length - 1);
        assertThat(publicKey.verify(SATOSHI, longFormLength)).as("BER length").isFalse();

        byte[] paddedS = hex("3046022100934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
                + "0221002442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
        assertThat(publicKey.verify(SATOSHI, paddedS)).as("non-minimal INTEGER").isFalse();

        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThat(publicKey.verify(SATOSHI, trailing)).as("trailing byte").isFalse();

        assertThat(publicKey.verify(SATOSHI, der(r, s.add(N)))).as("s >= n").isFalse();
        assertThat(publicKey.verify(SATOSHI, der(BigInteger.ZERO, s))).as("r = 0").isFalse();
        assertThat(publicKey.verify(SATOSHI, der(r.negate(), s))).as("negative r").isFalse();
        assertThat(publicKey.verify(SATOSHI, new byte[0])).isFalse();
        assertThat(publicKey.verify(SATOSHI, new byte[200])).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", // n
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "0000000000000000000000000000000000000000000000000000000000000001ff", // 33 bytes
        "00000000000000000000000000000000000000000000000000000000000001", // 31 bytes
    })
    void rejectsPrivateScalarsOutsideTheGroup(String data) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.SECP256K1, hex(data))))
                .withMessageStartingWith("invalid SECP256K1 private key");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // x = 5 is not the x coordinate of any point (5^3 + 7 is not a square mod p)
        "020000000000000000000000000000000000000000000000000000000000000005",
        // the generator, uncompressed: valid point, but not the canonical 33-byte form
        "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
                + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
        // a 33-byte buffer with the uncompressed prefix
        "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
        // x >= p
        "02fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30",
        "",
    })
    void rejectsPublicKeysThatAreNotCompressedCurvePoints(String data) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PublicKey.unmarshal(KeyProtobuf.encode(KeyType.SECP256K1, hex(data))))
                .withMessageStartingWith("invalid SECP256K1 public key");
    }

    private static byte[] der(BigInteger r, BigInteger s) {
        return Der.encode(new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)}));
    }
}
