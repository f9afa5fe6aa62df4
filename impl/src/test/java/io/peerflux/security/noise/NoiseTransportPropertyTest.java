package io.peerflux.security.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** However writes are sized, the encoder's messages carry exactly them, in order, none over the maximum. */
class NoiseTransportPropertyTest {

    @Property(tries = 300)
    void anyWritesRoundTrip(@ForAll @Size(max = 10) List<@From("writeSizes") Integer> sizes) {
        byte[] key = NoiseTest.random(32);
        NoiseTransportEncoder encoder = new NoiseTransportEncoder();
        EmbeddedChannel sender = new EmbeddedChannel(encoder);
        EmbeddedChannel receiver = new EmbeddedChannel(new NoiseTransportDecoder(new CipherState(key)));
        ByteBuf expected = Unpooled.buffer();
        ByteBuf received = Unpooled.buffer();
        try {
            encoder.activate(new CipherState(key));
            for (int size : sizes) {
                byte[] write = NoiseTest.random(size);
                expected.writeBytes(write);
                sender.write(Unpooled.wrappedBuffer(write));
            }
            sender.flush();
            for (ByteBuf frame; (frame = sender.readOutbound()) != null; ) {
                assertThat(frame.getUnsignedShort(0)).isEqualTo(frame.readableBytes() - 2)
                        .isBetween(CipherState.TAG_LENGTH + 1, NoiseHandshake.MAX_MESSAGE_LENGTH);
                receiver.writeInbound(frame);
            }
            for (ByteBuf plaintext; (plaintext = receiver.readInbound()) != null; ) {
                received.writeBytes(plaintext);
                plaintext.release();
            }
            assertThat(ByteBufUtil.equals(received, expected)).isTrue();
        } finally {
            expected.release();
            received.release();
            sender.finishAndReleaseAll();
            receiver.finishAndReleaseAll();
        }
    }

    /** Muxer headers, writes just under and over the size that is never gathered, and several messages long. */
    @Provide
    Arbitrary<Integer> writeSizes() {
        int direct = NoiseTransportEncoder.DIRECT;
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 64),
                Arbitraries.integers().between(direct - 2_000, direct + 2_000),
                Arbitraries.integers().between(60_000, 200_000));
    }
}
