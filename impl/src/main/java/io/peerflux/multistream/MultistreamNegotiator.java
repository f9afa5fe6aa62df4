package io.peerflux.multistream;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.peerflux.NegotiationException;
import io.peerflux.multistream.MultistreamCodec.Malformed;
import java.nio.charset.CharacterCodingException;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One side of a multistream-select negotiation as a state machine: bytes in, bytes to send out, and in the end the
 * agreed protocol or a typed failure. It does no I/O and keeps no buffers, so it is driven the same way on a Netty
 * channel and on a muxed stream, and is tested without either. Not thread-safe: its owner's event loop drives it.
 *
 * <p>The initiator sends the header and its first proposal in one go, and on each {@code na} proposes the next. The
 * responder waits for the initiator's header, then answers it together with whatever else arrived with it (usually
 * the proposal), so a typical negotiation is one write each way. Neither side waits for the other's header before
 * sending, so the remote's header may arrive alone or together with its first answer.
 */
abstract class MultistreamNegotiator {

    private boolean headerRead;

    private MultistreamNegotiator() {
    }

    /**
     * The dialing side: proposes {@code protocols} in preference order.
     *
     * @throws IllegalArgumentException if {@code protocols} is empty or holds an id that cannot be sent
     */
    static MultistreamNegotiator initiator(List<String> protocols) {
        return new Initiator(protocols);
    }

    /**
     * The listening side: accepts the first proposal {@code supported} matches, and answers {@code ls} with
     * {@code listing}. Both are called from {@link #read}, which lets what they throw through.
     */
    static MultistreamNegotiator responder(Predicate<String> supported, Supplier<List<String>> listing) {
        return new Responder(supported, listing);
    }

    /** Writes what this side sends before it has read anything. */
    abstract void start(ByteBuf out);

    /**
     * Reads the complete messages at {@code in}'s reader index and writes the replies to {@code out}. Call it again
     * when more bytes arrive, until it returns a protocol or throws.
     *
     * <p>Ownership: the caller keeps ownership of both buffers.
     *
     * @return the agreed protocol, with {@code in}'s reader index just after the message that settled it (later bytes
     *         already belong to that protocol); or {@code null} while more input is needed (an incomplete message is
     *         left unread)
     * @throws NegotiationException {@code malformed} when the remote breaks the protocol, {@code notSupported} when
     *         the remote refused every proposal
     */
    final String read(ByteBuf in, ByteBuf out) {
        try {
            if (!headerRead) {
                if (!MultistreamCodec.readHeader(in)) {
                    return null;
                }
                headerRead = true;
                onHeader(out);
            }
            ByteBuf text;
            while ((text = MultistreamCodec.readMessage(in)) != null) {
                String selected = onMessage(text, out);
                if (selected != null) {
                    return selected;
                }
            }
            return null;
        } catch (Malformed e) {
            throw NegotiationException.malformed(protocols(), e.getMessage());
        }
    }

    /** The protocols named in errors: those proposed (initiator) or supported (responder). */
    abstract List<String> protocols();

    abstract void onHeader(ByteBuf out);

    /** Handles one message received after the header; returns the agreed protocol or {@code null}. */
    abstract String onMessage(ByteBuf text, ByteBuf out) throws Malformed;

    private static boolean contentEquals(ByteBuf text, byte[] expected) {
        if (text.readableBytes() != expected.length) {
            return false;
        }
        int start = text.readerIndex();
        for (int i = 0; i < expected.length; i++) {
            if (text.getByte(start + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static final class Initiator extends MultistreamNegotiator {

        private final List<String> protocols;
        private final byte[][] texts;
        private int proposal;

        Initiator(List<String> protocols) {
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("no protocol to propose");
            }
            this.protocols = List.copyOf(protocols);
            this.texts = this.protocols.stream().map(MultistreamCodec::protocolId).toArray(byte[][]::new);
        }

        @Override
        void start(ByteBuf out) {
            MultistreamCodec.writeHeader(out);
            MultistreamCodec.writeMessage(out, texts[0]);
        }

        @Override
        List<String> protocols() {
            return protocols;
        }

        @Override
        void onHeader(ByteBuf out) {
        }

        @Override
        String onMessage(ByteBuf text, ByteBuf out) throws Malformed {
            if (contentEquals(text, texts[proposal])) {
                return protocols.get(proposal);
            }
            if (!contentEquals(text, MultistreamCodec.NA)) {
                throw new Malformed("expected " + protocols.get(proposal) + " or na");
            }
            if (++proposal == texts.length) {
                throw NegotiationException.notSupported(protocols);
            }
            MultistreamCodec.writeMessage(out, texts[proposal]);
            return null;
        }
    }

    private static final class Responder extends MultistreamNegotiator {

        /**
         * The most requests (proposals and {@code ls}) answered on one negotiation. It bounds what a peer can make us
         * write before the timeout ends it: at most 64 listings of {@link MultistreamCodec#MAX_MESSAGE_SIZE}.
         */
        static final int MAX_REQUESTS = 64;

        private final Predicate<String> supported;
        private final Supplier<List<String>> listing;
        private int requests;

        Responder(Predicate<String> supported, Supplier<List<String>> listing) {
            this.supported = supported;
            this.listing = listing;
        }

        @Override
        void start(ByteBuf out) {
        }

        @Override
        List<String> protocols() {
            return listing.get();
        }

        @Override
        void onHeader(ByteBuf out) {
            MultistreamCodec.writeHeader(out);
        }

        @Override
        String onMessage(ByteBuf text, ByteBuf out) throws Malformed {
            if (++requests > MAX_REQUESTS) {
                throw new Malformed("more than " + MAX_REQUESTS + " requests");
            }
            if (contentEquals(text, MultistreamCodec.LS)) {
                MultistreamCodec.writeListing(out, listing.get());
                return null;
            }
            String protocol = utf8(text);
            if (supported.test(protocol)) {
                MultistreamCodec.writeMessage(out, text);
                return protocol;
            }
            MultistreamCodec.writeMessage(out, MultistreamCodec.NA);
            return null;
        }

        private static String utf8(ByteBuf text) throws Malformed {
            try {
                return UTF_8.newDecoder().decode(text.nioBuffer()).toString();
            } catch (CharacterCodingException e) {
                throw new Malformed("protocol id is not UTF-8");
            }
        }
    }
}
