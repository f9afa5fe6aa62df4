package io.peerflux.multistream;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.NegotiationException;
import io.peerflux.testing.FuzzFeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.test.subscriber.TestSubscriber;

/**
 * Jazzer fuzz target: multistream-select on a channel ({@link Multistream#negotiate(io.netty.channel.Channel,
 * boolean, List, Duration)}, which reads with {@link MultistreamCodec}), as initiator or responder (bit 6 of the
 * first byte; bits 0-5 choose the read size), whatever the remote sends: it ends in a protocol we speak or a
 * {@link NegotiationException}, and releases every read. See docs/fuzzing.md.
 */
class MultistreamFuzzerTest {

    private static final List<String> SPOKEN = List.of("/a", "/b");

    @FuzzTest
    void fuzz(byte[] input) {
        boolean initiator = input.length > 0 && (input[0] & 0x40) != 0;
        byte[] data = FuzzFeed.data(input);
        int size = FuzzFeed.readSize(input);
        EmbeddedChannel channel = new EmbeddedChannel();
        MultistreamChannelTest.Capture next = new MultistreamChannelTest.Capture();
        TestSubscriber<String> result = TestSubscriber.create();
        Multistream.negotiate(channel, initiator, SPOKEN, Duration.ofSeconds(10))
                .doOnNext(protocol -> channel.pipeline().addLast(next))
                .subscribe(result);
        List<ByteBuf> fed = new ArrayList<>();
        for (int at = 0; at < data.length && channel.isOpen(); at += size) {
            ByteBuf read = Unpooled.buffer(size).writeBytes(data, at, Math.min(size, data.length - at));
            fed.add(read);
            channel.writeInbound(read); // rethrows whatever escaped the handlers
        }
        channel.close();
        Throwable error = result.expectTerminalSignal().getThrowable();
        if (error != null) {
            assertThat(error).isInstanceOf(NegotiationException.class);
        } else {
            assertThat(result.getReceivedOnNext()).hasSize(1).allSatisfy(p -> assertThat(SPOKEN).contains(p));
        }
        channel.finishAndReleaseAll();
        assertThat(fed).allSatisfy(read -> assertThat(read.refCnt()).as("an unreleased read").isZero());
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        // As initiator (bit 6): the responder's header and its echo of "/a"; as responder: the initiator's header
        // and proposals, "ls" among them.
        seeds.add(target, "initiator-agrees", Wire.concat(new byte[] {0x40 | 4}, Wire.HEADER, Wire.message("/a")));
        seeds.add(target, "initiator-na", Wire.concat(new byte[] {0x40 | 63}, Wire.HEADER, Wire.NA, Wire.message("/b")));
        seeds.add(target, "responder-ls", Wire.concat(new byte[] {2}, Wire.HEADER, Wire.LS, Wire.message("/c"),
                Wire.message("/b")));
        seeds.verifyOrWrite();
    }
}
