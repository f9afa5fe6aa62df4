package io.peerflux.multistream;

import static io.peerflux.multistream.Wire.HEADER;
import static io.peerflux.multistream.Wire.LS;
import static io.peerflux.multistream.Wire.NA;
import static io.peerflux.multistream.Wire.buf;
import static io.peerflux.multistream.Wire.concat;
import static io.peerflux.multistream.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.Direction;
import io.peerflux.NegotiationException;
import io.peerflux.multistream.Multistream.Negotiated;
import io.peerflux.testing.LeakCheckExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;
import reactor.test.subscriber.TestSubscriber;

/**
 * Feeds random input, in random pieces, to both sides of the negotiation, bare and through both adapters: the
 * outcome is always an agreement or a {@link NegotiationException}, never another exception, and no buffer leaks.
 * Inputs are random bytes mixed with valid and nearly valid messages, so that they also reach the later states.
 */
class MultistreamFuzzTest {

    private static final List<String> SPOKEN = List.of("/a", "/b");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Provide
    Arbitrary<byte[]> input() {
        Arbitrary<byte[]> piece = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(HEADER, NA, LS, message("/a"), message("/b"), message("/c"))),
                Tuple.of(2, Arbitraries.strings().ofMaxLength(40).map(Wire::message)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)),
                Tuple.of(1, Arbitraries.integers().between(0, 1100).map(MultistreamFuzzTest::lengthPrefix)),
                Tuple.of(1, Arbitraries.of(new byte[] {(byte) 0x80, 0x00}, new byte[] {(byte) 0xff, (byte) 0xff, 0x7f})));
        return Arbitraries.frequencyOf(
                Tuple.of(1, piece.list().ofMaxSize(8).map(pieces -> concat(pieces.toArray(byte[][]::new)))),
                Tuple.of(3, piece.list().ofMaxSize(7).map(pieces -> {
                    pieces.add(0, HEADER);
                    return concat(pieces.toArray(byte[][]::new));
                })));
    }

    @Property(tries = 1000)
    void negotiatorEndsInAgreementOrATypedFailure(@ForAll("input") byte[] input, @ForAll boolean initiator,
                                                  @ForAll @IntRange(min = 1, max = 64) int piece) {
        MultistreamNegotiator negotiator = initiator
                ? MultistreamNegotiator.initiator(SPOKEN)
                : MultistreamNegotiator.responder(Set.copyOf(SPOKEN)::contains, () -> SPOKEN);
        ByteBuf in = Unpooled.buffer();
        ByteBuf out = Unpooled.buffer();
        try {
            negotiator.start(out);
            for (byte[] chunk : pieces(input, piece)) {
                in.writeBytes(chunk);
                String selected = negotiator.read(in, out);
                if (selected != null) {
                    assertThat(SPOKEN).contains(selected);
                    Statistics.collect("agreed");
                    return;
                }
                // Whatever is left unread is one incomplete message at most.
                assertThat(in.readableBytes()).isLessThan(2 + MultistreamCodec.MAX_MESSAGE_SIZE);
            }
            Statistics.collect("needs more input");
        } catch (NegotiationException expected) {
            Statistics.collect(expected.getMessage().replaceAll(":.*| of .*", ""));
        } finally {
            in.release();
            out.release();
        }
    }

    @Property(tries = 300)
    void streamNegotiationEndsTypedAndReleasesEverything(@ForAll("input") byte[] input, @ForAll boolean initiator,
                                                         @ForAll @IntRange(min = 1, max = 64) int piece) {
        EmbeddedChannel clock = new EmbeddedChannel();
        FakeMuxedStream stream = new FakeMuxedStream(clock.eventLoop(), "1", Direction.OUTBOUND);
        TestSubscriber<Negotiated> result = TestSubscriber.create();
        (initiator
                ? Multistream.negotiate(stream, SPOKEN, TIMEOUT)
                : Multistream.accept(stream, Set.copyOf(SPOKEN)::contains, () -> SPOKEN, TIMEOUT))
                .subscribe(result);
        List<ByteBuf> fed = new ArrayList<>();
        for (byte[] chunk : pieces(input, piece)) {
            if (result.isTerminated()) {
                break;
            }
            ByteBuf data = buf(chunk);
            fed.add(data);
            stream.receive(data);
        }
        if (result.isTerminated()) {
            assertOutcome(result.getTerminalSignal().getThrowable());
            result.getReceivedOnNext().forEach(negotiated -> negotiated.leftover().release());
        } else {
            result.cancel();
            assertThat(stream.isReset()).isTrue();
        }
        clock.finishAndReleaseAll();
        assertThat(fed).allSatisfy(data -> assertThat(data.refCnt()).isZero());
        assertThat(stream.violations()).isEmpty();
    }

    @Property(tries = 300)
    void channelNegotiationEndsTypedAndReleasesEverything(@ForAll("input") byte[] input, @ForAll boolean initiator,
                                                          @ForAll @IntRange(min = 1, max = 64) int piece) {
        EmbeddedChannel channel = new EmbeddedChannel();
        MultistreamChannelTest.Capture next = new MultistreamChannelTest.Capture();
        TestSubscriber<String> result = TestSubscriber.create();
        Multistream.negotiate(channel, initiator, SPOKEN, TIMEOUT)
                .doOnNext(protocol -> channel.pipeline().addLast(next))
                .subscribe(result);
        List<ByteBuf> fed = new ArrayList<>();
        for (byte[] chunk : pieces(input, piece)) {
            if (!channel.isOpen()) {
                break;
            }
            ByteBuf data = buf(chunk);
            fed.add(data);
            channel.writeInbound(data);
        }
        channel.close();
        assertOutcome(result.expectTerminalSignal().getThrowable());
        channel.finishAndReleaseAll();
        assertThat(fed).allSatisfy(data -> assertThat(data.refCnt()).isZero());
        assertThat((Object) channel.readInbound()).isNull(); // nothing was dropped at the tail
    }

    @AfterProperty
    void noLeaks() {
        new LeakCheckExtension().afterEach(null);
    }

    private static void assertOutcome(Throwable error) {
        if (error != null) {
            assertThat(error).isInstanceOf(NegotiationException.class);
        }
    }

    private static List<byte[]> pieces(byte[] input, int size) {
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < input.length; i += size) {
            pieces.add(Arrays.copyOfRange(input, i, Math.min(input.length, i + size)));
        }
        return pieces;
    }

    /** A length prefix alone, to be followed by whatever the next piece is. */
    private static byte[] lengthPrefix(int length) {
        return length < 0x80
                ? new byte[] {(byte) length}
                : new byte[] {(byte) (length & 0x7f | 0x80), (byte) (length >>> 7)};
    }
}
