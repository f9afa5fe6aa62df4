package io.peerflux.benchmarks.ceiling;

import io.peerflux.security.noise.NoiseCipher;

/**
 * The encrypted TCP ceiling Peerflux's Noise path is held against: length-prefixed 64 KiB records over one loopback
 * connection, each sealed with ChaCha20-Poly1305 by the sender and opened by the receiver, using {@link NoiseCipher}
 * (the implementation and provider Noise uses in this JVM; {@code -Dpeerflux.chacha.provider} changes both).
 */
public final class ChaChaPipe {

    private ChaChaPipe() {
    }

    public static void main(String[] args) throws Exception {
        System.err.println("ChaChaPipe: ChaCha20-Poly1305 from " + NoiseCipher.providerName());
        Ceiling.run("ChaChaPipe", args, () -> new LoopbackPipe(true));
    }
}
