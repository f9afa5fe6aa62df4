package io.peerflux.testing;

import java.util.concurrent.ThreadLocalRandom;

/** Payloads for tests. */
public final class TestBytes {

    private TestBytes() {
    }

    /** {@code size} random bytes, so that a transfer that drops, repeats or reorders bytes is caught. */
    public static byte[] random(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
