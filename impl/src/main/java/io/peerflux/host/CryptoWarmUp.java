package io.peerflux.host;

import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.mux.Muxer;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import io.peerflux.security.SecureTransport;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs, once per {@link io.peerflux.Host#start()}, every piece of cryptography a handshake of this host will need, so
 * that whatever loads on first use (the JCE's policy files, native libraries, providers) loads now. Why: the JCE
 * reads its policy files on first use, and if that happens while every file descriptor is taken it fails, and
 * {@code javax.crypto} stays unusable for the JVM's life. A host that starts with descriptors to spare therefore never
 * meets that during a handshake.
 *
 * <p>What runs: a complete handshake of each secure channel with itself, between two in-memory channels (the same
 * code path as a real one: DH, ciphers, hashes, certificates, signature checks), a signature check of each key type,
 * and each transport's {@link io.peerflux.transport.Transport#warmUp}. It may read files and load classes, so it runs
 * on {@link Schedulers#boundedElastic()}; for an already warm JVM it costs one handshake per secure channel.
 */
final class CryptoWarmUp {

    /** Far more round trips than any handshake makes; reached only by a handshake that cannot finish. */
    private static final int MAX_ROUNDS = 16;

    private CryptoWarmUp() {
    }

    /** Fails with an {@link IllegalStateException} naming what could not run. */
    static Mono<Void> of(HostConfig config) {
        List<String> muxers = config.muxers().stream().map(Muxer::protocolId).toList();
        return Mono.fromRunnable(() -> {
                    verifyEachKeyType();
                    config.security().forEach(security -> handshake(security, config.identity(), muxers));
                })
                .subscribeOn(Schedulers.boundedElastic())
                .then(Flux.fromIterable(config.transports()).concatMap(t -> t.warmUp(config.identity())).then());
    }

    /** Runs a handshake of {@code security} between two in-memory channels, both ends with {@code identity}. */
    static void handshake(SecureTransport security, PrivateKey identity, List<String> muxers) {
        EmbeddedChannel initiator = new EmbeddedChannel();
        EmbeddedChannel responder = new EmbeddedChannel();
        // The handshake timers must not fire, however slow a cold JVM is: their clock stands still.
        initiator.freezeTime();
        responder.freezeTime();
        try {
            AtomicReference<Object> dialed = new AtomicReference<>();
            AtomicReference<Object> accepted = new AtomicReference<>();
            security.secure(initiator, true, identity, PeerId.fromPublicKey(identity.publicKey()), muxers)
                    .subscribe(dialed::set, dialed::set);
            security.secure(responder, false, identity, null, muxers).subscribe(accepted::set, accepted::set);
            for (int round = 0; round < MAX_ROUNDS && (dialed.get() == null || accepted.get() == null); round++) {
                if (!(pass(initiator, responder) | pass(responder, initiator))) {
                    break;
                }
            }
            if (!(dialed.get() instanceof SecureSession) || !(accepted.get() instanceof SecureSession)) {
                Throwable cause = dialed.get() instanceof Throwable d ? d
                        : accepted.get() instanceof Throwable a ? a : null;
                throw new IllegalStateException("the warm-up handshake of " + security.protocolId() + " failed: "
                        + dialed.get() + " / " + accepted.get(), cause);
            }
        } finally {
            initiator.finishAndReleaseAll();
            responder.finishAndReleaseAll();
        }
    }

    /** Moves what {@code from} wrote to {@code to}'s inbound side; whether there was anything. */
    private static boolean pass(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        Object message;
        while ((message = from.readOutbound()) != null) {
            to.writeInbound(message);
            moved = true;
        }
        return moved;
    }

    /** Checks a signature with each key type a remote may authenticate with (for RSA, a wrong one). */
    private static void verifyEachKeyType() {
        byte[] data = {1, 2, 3};
        for (PrivateKey key : List.of(PrivateKey.generateEd25519(), PrivateKey.generateSecp256k1(),
                PrivateKey.generateEcdsaP256())) {
            if (!key.publicKey().verify(data, key.sign(data))) {
                throw new IllegalStateException(key.type() + " signatures do not verify");
            }
        }
        rsaPublicKey().verify(data, new byte[256]);
    }

    /** An RSA public key in the libp2p protobuf form (type 0, PKIX data), with an arbitrary 2048-bit modulus. */
    private static PublicKey rsaPublicKey() {
        BigInteger modulus = BigInteger.ONE.shiftLeft(2047).setBit(0);
        byte[] pkix;
        try {
            pkix = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
                    DERNull.INSTANCE), new RSAPublicKey(modulus, BigInteger.valueOf(65537))).getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        ByteArrayOutputStream protobuf = new ByteArrayOutputStream();
        protobuf.write(0x08); // field 1 (type), varint
        protobuf.write(0);    // RSA
        protobuf.write(0x12); // field 2 (data), length-delimited
        for (int n = pkix.length; ; n >>>= 7) {
            if (n < 0x80) {
                protobuf.write(n);
                break;
            }
            protobuf.write(n & 0x7f | 0x80);
        }
        protobuf.writeBytes(pkix);
        return PublicKey.unmarshal(protobuf.toByteArray());
    }
}
