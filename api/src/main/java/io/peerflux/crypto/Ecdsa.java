package io.peerflux.crypto;

import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * ECDSA as both {@link KeyType#SECP256K1} and {@link KeyType#ECDSA} keys sign: over the SHA-256
 * of the data, with the deterministic nonce of RFC 6979, the signature being the DER
 * {@code SEQUENCE { r INTEGER, s INTEGER }}.
 */
final class Ecdsa {

    /** More than the longest DER signature of any supported curve (P-521: 139 bytes). */
    static final int MAX_SIGNATURE_SIZE = 160;

    private Ecdsa() {}

    /**
     * Signs the SHA-256 of {@code data}.
     *
     * @param lowS whether to return the signature with {@code s <= n/2}, the canonical form of
     *     BIP 62 that the spec names for secp256k1
     */
    static byte[] sign(ECPrivateKeyParameters key, byte[] data, boolean lowS) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key);
        BigInteger[] rs = signer.generateSignature(Sha256.digest(data));
        BigInteger n = key.getParameters().getN();
        BigInteger s = lowS && rs[1].compareTo(n.shiftRight(1)) > 0 ? n.subtract(rs[1]) : rs[1];
        return Der.encode(new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(s)}));
    }

    /**
     * Verifies a DER signature over the SHA-256 of {@code data}. Both {@code s} and {@code n - s} are
     * accepted, as go-libp2p does.
     *
     * @return false for a wrong signature and for anything that is not a strict DER signature with
     *     {@code r} and {@code s} in {@code [1, n-1]}
     */
    static boolean verify(ECPublicKeyParameters key, byte[] data, byte[] signature) {
        if (signature.length > MAX_SIGNATURE_SIZE) {
            return false;
        }
        BigInteger r;
        BigInteger s;
        try {
            ASN1Sequence sequence = ASN1Sequence.getInstance(Der.parse(signature));
            if (sequence.size() != 2) {
                return false;
            }
            r = ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue();
            s = ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue();
        } catch (RuntimeException e) {
            // Der.parse rejects malformed bytes; BouncyCastle's getInstance rejects wrong ASN.1 types.
            return false;
        }
        BigInteger n = key.getParameters().getN();
        if (r.signum() <= 0 || s.signum() <= 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, key);
        return verifier.verifySignature(Sha256.digest(data), r, s);
    }
}
