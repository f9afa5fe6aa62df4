package io.peerflux.multistream;

import static io.peerflux.multistream.Wire.HEADER;
import static io.peerflux.multistream.Wire.LS;
import static io.peerflux.multistream.Wire.NA;
import static io.peerflux.multistream.Wire.ascii;
import static io.peerflux.multistream.Wire.buf;
import static io.peerflux.multistream.Wire.concat;
import static io.peerflux.multistream.Wire.drain;
import static io.peerflux.multistream.Wire.message;
import static io.peerflux.multistream.Wire.peek;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.NegotiationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MultistreamNegotiatorTest {

    private static MultistreamNegotiator responder(String... supported) {
        List<String> listing = List.of(supported);
        return MultistreamNegotiator.responder(Set.copyOf(listing)::contains, () -> listing);
    }

    @Test
    void typicalExchangeOnTheWire() {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/noise"));
        MultistreamNegotiator responder = responder("/noise");

        ByteBuf toResponder = Unpooled.buffer();
        initiator.start(toResponder);
        ByteBuf toInitiator = Unpooled.buffer();
        responder.start(toInitiator);
        assertThat(toInitiator.isReadable()).isFalse(); // the responder speaks once it heard the header

        byte[] proposal = peek(toResponder);
        assertThat(proposal).isEqualTo(concat(HEADER, message("/noise")));
        assertThat(proposal).startsWith(0x13, '/', 'm', 'u', 'l', 't', 'i');

        assertThat(responder.read(toResponder, toInitiator)).isEqualTo("/noise");
        assertThat(peek(toInitiator)).isEqualTo(concat(HEADER, message("/noise")));
        assertThat(initiator.read(toInitiator, toResponder)).isEqualTo("/noise");
        assertThat(toResponder.isReadable()).isFalse();
        toResponder.release();
        toInitiator.release();
    }

    @Test
    void initiatorProposesInTurnUntilOneIsAccepted() {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/tls/1.0.0", "/quic", "/noise"));
        MultistreamNegotiator responder = responder("/noise", "/other");

        ByteBuf toResponder = Unpooled.buffer();
        ByteBuf toInitiator = Unpooled.buffer();
        initiator.start(toResponder);
        assertThat(responder.read(toResponder, toInitiator)).isNull();
        assertThat(peek(toInitiator)).isEqualTo(concat(HEADER, NA));

        assertThat(initiator.read(toInitiator, toResponder)).isNull();
        assertThat(peek(toResponder)).isEqualTo(message("/quic"));
        assertThat(responder.read(toResponder, toInitiator)).isNull();
        assertThat(initiator.read(toInitiator, toResponder)).isNull();
        assertThat(peek(toResponder)).isEqualTo(message("/noise"));

        assertThat(responder.read(toResponder, toInitiator)).isEqualTo("/noise");
        assertThat(initiator.read(toInitiator, toResponder)).isEqualTo("/noise");
        toResponder.release();
        toInitiator.release();
    }

    @Test
    void initiatorFailsWhenEveryProposalIsRefused() {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/a", "/b"));
        ByteBuf in = buf(HEADER, NA, NA);
        ByteBuf out = Unpooled.buffer();
        initiator.start(out);
        Throwable error = catchThrowable(() -> initiator.read(in, out));
        assertThat(error).satisfies(Failures.notSupported());
        assertThat(((NegotiationException) error).proposed()).containsExactly("/a", "/b");
        assertThat(drain(out)).isEqualTo(concat(HEADER, message("/a"), message("/b")));
        in.release();
    }

    @Test
    void initiatorTakesTheAnswersInAnyPieces() {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/a", "/b"));
        ByteBuf out = Unpooled.buffer();
        initiator.start(out);
        ByteBuf in = Unpooled.buffer();
        String selected = null;
        for (byte b : concat(HEADER, NA, message("/b"), ascii("after"))) { // one byte at a time
            in.writeByte(b);
            if (selected == null) {
                selected = initiator.read(in, out);
            }
        }
        assertThat(selected).isEqualTo("/b");
        assertThat(drain(in)).isEqualTo(ascii("after"));
        assertThat(drain(out)).isEqualTo(concat(HEADER, message("/a"), message("/b")));
    }

    @Test
    void initiatorAcceptsTheHeaderAloneFirst() {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/yamux/1.0.0"));
        ByteBuf out = Unpooled.buffer();
        initiator.start(out);
        ByteBuf header = buf(HEADER);
        assertThat(initiator.read(header, out)).isNull();
        assertThat(header.isReadable()).isFalse();
        ByteBuf echo = buf(message("/yamux/1.0.0"));
        assertThat(initiator.read(echo, out)).isEqualTo("/yamux/1.0.0");
        header.release();
        echo.release();
        out.release();
    }

    @Test
    void responderLeavesTheBytesAfterTheAgreementUnread() {
        MultistreamNegotiator responder = responder("/noise");
        ByteBuf in = buf(HEADER, message("/noise"), new byte[] {0, 32, 1, 2, 3});
        ByteBuf out = Unpooled.buffer();
        assertThat(responder.read(in, out)).isEqualTo("/noise");
        assertThat(drain(in)).containsExactly(0, 32, 1, 2, 3);
        out.release();
    }

    @Test
    void responderAnswersLsWithItsListing() {
        MultistreamNegotiator responder = responder("/a", "/bc");
        ByteBuf in = buf(HEADER, LS, message("/bc"));
        ByteBuf out = Unpooled.buffer();
        assertThat(responder.read(in, out)).isEqualTo("/bc");
        byte[] listing = concat(new byte[] {10}, message("/a"), message("/bc"), ascii("\n"));
        assertThat(drain(out)).isEqualTo(concat(HEADER, listing, message("/bc")));
        in.release();
    }

    @Test
    void responderGivesThePredicateTheDecodedId() {
        List<String> asked = new ArrayList<>();
        MultistreamNegotiator responder = MultistreamNegotiator.responder(
                id -> asked.add(id) && id.equals("/café/1"), List::of);
        ByteBuf in = buf(HEADER, message("/cafe/1"), message("/café/1"));
        ByteBuf out = Unpooled.buffer();
        assertThat(responder.read(in, out)).isEqualTo("/café/1");
        assertThat(asked).containsExactly("/cafe/1", "/café/1");
        assertThat(drain(out)).isEqualTo(concat(HEADER, NA, message("/café/1")));
        in.release();
    }

    @Test
    void somethingOtherThanMultistreamIsRefusedAtItsFirstByte() {
        assertMalformed(responder("/noise"), ascii("G"));
        assertMalformed(responder("/noise"), ascii("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        assertMalformed(MultistreamNegotiator.initiator(List.of("/noise")), ascii("\u0016\u0003\u0001"));
    }

    @Test
    void aMessageBeforeTheHeaderIsRefused() {
        assertMalformed(MultistreamNegotiator.initiator(List.of("/noise")), NA);
        assertMalformed(responder("/noise"), message("/noise"));
    }

    @Test
    void initiatorRefusesAnAnswerItDidNotAskFor() {
        assertMalformed(MultistreamNegotiator.initiator(List.of("/a")), concat(HEADER, message("/b")));
        assertMalformed(MultistreamNegotiator.initiator(List.of("/a")), concat(HEADER, HEADER));
    }

    @Test
    void overLongMessagesAreRefusedFromTheirLength() {
        assertMalformed(responder("/noise"), concat(HEADER, new byte[] {(byte) 0x81, 0x08}));
        assertMalformed(MultistreamNegotiator.initiator(List.of("/a")), concat(HEADER, new byte[] {(byte) 0xff, (byte) 0xff}));
    }

    @Test
    void responderRefusesAnIdThatIsNotUtf8() {
        assertMalformed(responder("/noise"), concat(HEADER, new byte[] {3, (byte) 0xc3, 0x28, '\n'}));
    }

    @Test
    void responderAnswersABoundedNumberOfRequests() {
        MultistreamNegotiator responder = responder("/noise");
        List<byte[]> requests = new ArrayList<>();
        requests.add(HEADER);
        for (int i = 0; i < 64; i++) {
            requests.add(i % 2 == 0 ? LS : message("/nope"));
        }
        ByteBuf in = buf(requests.toArray(byte[][]::new));
        ByteBuf out = Unpooled.buffer();
        assertThat(responder.read(in, out)).isNull();
        out.release();
        in.release();
        assertMalformed(responder, message("/noise"));
    }

    @Test
    void initiatorNeedsSendableProtocols() {
        assertThatIllegalArgumentException().isThrownBy(() -> MultistreamNegotiator.initiator(List.of()));
        assertThatIllegalArgumentException().isThrownBy(() -> MultistreamNegotiator.initiator(List.of("/a\n")));
    }

    private static void assertMalformed(MultistreamNegotiator negotiator, byte[] wire) {
        ByteBuf in = buf(wire);
        ByteBuf out = Unpooled.buffer();
        try {
            assertThat(catchThrowable(() -> negotiator.read(in, out))).satisfies(Failures.malformed());
        } finally {
            in.release();
            out.release();
        }
    }
}
