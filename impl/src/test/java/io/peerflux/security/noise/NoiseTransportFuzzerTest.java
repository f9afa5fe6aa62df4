package io.peerflux.security.noise;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.ProtocolViolationException;
import io.peerflux.testing.FuzzFeed;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Jazzer fuzz target: {@link NoiseTransportDecoder}, fed in reads of a size the first byte chooses (bits 0-5).
 * Random ciphertext never authenticates, so with bit 6 set the rest of the input is taken as plaintext messages
 * (each a length byte and up to 255 bytes), sealed with the decoder's key; some (bit 7) with a flipped tag bit.
 * The decoder passes on exactly the plaintexts of the messages before the first bad one, then fails with a
 * connection-scoped {@link ProtocolViolationException} and closes; it releases every read. See docs/fuzzing.md.
 */
class NoiseTransportFuzzerTest {

    private static final byte[] KEY = new byte[32];

    @FuzzTest
    void fuzz(byte[] input) throws GeneralSecurityException {
        boolean sealed = input.length > 0 && (input[0] & 0x40) != 0;
        boolean corrupt = input.length > 0 && (input[0] & 0x80) != 0;
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] wire = sealed ? seal(FuzzFeed.data(input), corrupt, expected) : FuzzFeed.data(input);
        byte[] fed = new byte[wire.length + 1];
        fed[0] = input.length == 0 ? 0 : input[0];
        System.arraycopy(wire, 0, fed, 1, wire.length);

        EmbeddedChannel channel = new EmbeddedChannel(new NoiseTransportDecoder(new CipherState(KEY)));
        FuzzFeed.feed(channel, fed, ProtocolViolationException.class, result -> {
            ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
            for (Object message : result.messages()) {
                ByteBuf buf = (ByteBuf) message;
                assertThat(buf.readableBytes()).isPositive();
                byte[] bytes = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), bytes);
                plaintext.writeBytes(bytes);
            }
            if (sealed) {
                assertThat(plaintext.toByteArray()).isEqualTo(expected.toByteArray());
            } else {
                assertThat(plaintext.size()).as("random bytes authenticated").isZero();
            }
            if (result.failure() != null) {
                assertThat(((ProtocolViolationException) result.failure()).scope())
                        .isEqualTo(ProtocolViolationException.Scope.CONNECTION);
                assertThat(channel.isOpen()).isFalse();
            }
        });
    }

    /** Seals each message of {@code plan}; {@code expected} gets the plaintexts up to the first corrupted one. */
    private static byte[] seal(byte[] plan, boolean corrupt, ByteArrayOutputStream expected)
            throws GeneralSecurityException {
        CipherState cipher = new CipherState(KEY);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        boolean spoilt = false;
        for (int at = 0; at < plan.length; ) {
            int length = plan[at++] & 0xff;
            byte[] plaintext = Arrays.copyOfRange(plan, at, Math.min(plan.length, at + length));
            at += plaintext.length;
            byte[] ciphertext = new byte[plaintext.length + CipherState.TAG_LENGTH];
            cipher.encrypt(null, new ByteBuffer[] {ByteBuffer.wrap(plaintext)}, ByteBuffer.wrap(ciphertext));
            // Corrupt the message whose length is odd, if asked to.
            if (corrupt && (length & 1) == 1) {
                ciphertext[ciphertext.length - 1] ^= 1;
                spoilt = true;
            }
            if (!spoilt) {
                expected.writeBytes(plaintext);
            }
            wire.write(ciphertext.length >>> 8);
            wire.write(ciphertext.length);
            wire.writeBytes(ciphertext);
        }
        return wire.toByteArray();
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        // Sealed (bit 6), read 5 bytes at a time: messages of 3, 0 and 20 bytes; then the same with the odd one bad.
        byte[] plan = new byte[1 + 1 + 3 + 1 + 1 + 20];
        plan[1] = 3;
        plan[5] = 0;
        plan[6] = 20;
        for (int i = 7; i < plan.length; i++) {
            plan[i] = (byte) i;
        }
        plan[0] = 0x40 | 4;
        seeds.add(target, "sealed", plan.clone());
        plan[0] = (byte) (0x80 | 0x40 | 4);
        seeds.add(target, "sealed-corrupt", plan.clone());
        seeds.verifyOrWrite();
    }
}
