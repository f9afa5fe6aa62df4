package io.peerflux.mux.mplex;

import static io.peerflux.mux.mplex.MplexPair.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.ConnectionClosedException;
import io.peerflux.Direction;
import io.peerflux.LimitExceededException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.StreamResetException;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.mplex.MplexFrame.Flag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** mplex sessions driven deterministically: two sessions back to back, or one session against hand-made frames. */
class MplexSessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    // ---- opening, data, closing ----

    @Test
    void eachSideCountsItsOwnStreamsFromZeroAndTheyStayApart() {
        try (MplexPair pair = new MplexPair()) {
            MuxedStream fromClient = pair.openClientStream();
            MuxedStream fromServer = pair.server.openStream().block(TIMEOUT);
            assertThat(List.of(fromClient.id(), fromServer.id())).containsExactly("out-0", "out-0");
            Recorder clientOut = Recorder.consuming(fromClient);
            Recorder serverOut = Recorder.consuming(fromServer);
            fromClient.write(text("to server"));
            fromClient.flush();
            fromServer.write(text("to client"));
            fromServer.flush();
            pair.exchange();
            MuxedStream serverIn = pair.serverInbound.get(0);
            MuxedStream clientIn = pair.clientInbound.get(0);
            assertThat(serverIn.id()).isEqualTo("in-0");
            assertThat(serverIn.direction()).isEqualTo(Direction.INBOUND);
            Recorder atServer = Recorder.consuming(serverIn);
            Recorder atClient = Recorder.consuming(clientIn);
            assertThat(atServer.text()).isEqualTo("to server");
            assertThat(atClient.text()).isEqualTo("to client");
            serverIn.write(text("reply 1"));
            serverIn.flush();
            clientIn.write(text("reply 2"));
            clientIn.flush();
            pair.exchange();
            assertThat(clientOut.text()).isEqualTo("reply 1");
            assertThat(serverOut.text()).isEqualTo("reply 2");
            assertThat(pair.client.openStream().block(TIMEOUT).id()).isEqualTo("out-1");
        }
    }

    @Test
    void sendsNewStreamAtOnceThenTheInitiatorFlags() {
        try (RawPeer peer = new RawPeer()) {
            MuxedStream stream = peer.session.openStream().block(TIMEOUT);
            assertThat(peer.written()).as("an empty name").containsExactly(MplexFrame.newStream(0));
            stream.write(text("hi"));
            stream.closeWrite();
            assertThat(peer.written()).containsExactly(new MplexFrame(0, Flag.MESSAGE_INITIATOR, 2), "hi".getBytes(),
                    new MplexFrame(0, Flag.CLOSE_INITIATOR, 0));
            MuxedStream other = peer.session.openStream().block(TIMEOUT);
            other.reset();
            assertThat(peer.writtenFrames()).containsExactly(MplexFrame.newStream(1),
                    new MplexFrame(1, Flag.RESET_INITIATOR, 0));
        }
    }

    @Test
    void answersAcceptedStreamsWithTheReceiverFlags() {
        try (RawPeer peer = new RawPeer()) {
            peer.send(new MplexFrame(7, Flag.NEW_STREAM, 4), "name".getBytes());
            peer.send(new MplexFrame(7, Flag.MESSAGE_INITIATOR, 2), "hi".getBytes());
            MuxedStream stream = peer.inbound.get(0);
            assertThat(Recorder.consuming(stream).text()).isEqualTo("hi");
            assertThat(peer.written()).as("nothing is sent on accepting").isEmpty();
            stream.write(text("yo"));
            stream.closeWrite();
            assertThat(peer.written()).containsExactly(new MplexFrame(7, Flag.MESSAGE_RECEIVER, 2), "yo".getBytes(),
                    new MplexFrame(7, Flag.CLOSE_RECEIVER, 0));
            peer.send(new MplexFrame(7, Flag.RESET_INITIATOR, 0));
            assertThat(peer.session.streamCount()).isZero();
        }
    }

    @Test
    void dataBeforeListenIsReplayedInOrderWithTheRemoteClose() {
        try (MplexPair pair = new MplexPair()) {
            MuxedStream out = pair.openClientStream();
            out.write(text("hello "));
            out.write(text("world"));
            out.closeWrite();
            pair.exchange();
            MuxedStream in = pair.serverInbound.get(0);
            in.closeWrite();
            pair.exchange();
            assertThat(pair.server.streamCount()).as("held until the buffered data is delivered").isOne();
            Recorder server = Recorder.consuming(in);
            assertThat(server.text()).isEqualTo("hello world");
            assertThat(server.remoteClosed).isTrue();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    @Test
    void halfCloseLetsTheOtherSideFinishThenForgetsTheStream() {
        try (MplexPair pair = new MplexPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(text("request"));
            out.closeWrite();
            pair.exchange();
            MuxedStream in = pair.serverInbound.get(0);
            Recorder server = Recorder.consuming(in);
            assertThat(server.text()).isEqualTo("request");
            assertThat(server.remoteClosed).isTrue();
            assertThat(out.isWritable()).isFalse();
            assertThat(in.isWritable()).isTrue();
            ByteBuf late = text("too late");
            out.write(late);
            assertThat(late.refCnt()).as("a write after closeWrite is released").isZero();

            in.write(text("response"));
            in.closeWrite();
            pair.exchange();
            assertThat(client.text()).isEqualTo("response");
            assertThat(client.remoteClosed).isTrue();
            assertThat(client.reset).isNull();
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    @Test
    void resetReachesTheRemoteAndReleasesBufferedData() {
        try (MplexPair pair = new MplexPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(text("unread"));
            out.flush();
            pair.exchange();
            MuxedStream in = pair.serverInbound.get(0);
            out.reset();
            assertThat(client.reset).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.remote()).isFalse());
            pair.exchange();
            Recorder server = Recorder.consuming(in);
            assertThat(server.size()).as("buffered data was released with the reset").isZero();
            assertThat(server.reset).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.remote()).isTrue());
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
            ByteBuf afterReset = text("x");
            in.write(afterReset);
            assertThat(afterReset.refCnt()).isZero();
            assertThat(in.isWritable()).isFalse();
            in.reset();
            assertThat(pair.serverChannel.outboundMessages()).as("no Reset for a stream already reset").isEmpty();
        }
    }

    @Test
    void dataAfterTheRemoteCloseResetsOnlyThatStream() {
        try (RawPeer peer = new RawPeer()) {
            peer.send(MplexFrame.newStream(0));
            peer.send(MplexFrame.newStream(1));
            peer.send(MplexFrame.close(0, true));
            Recorder first = Recorder.consuming(peer.inbound.get(0));
            assertThat(first.remoteClosed).isTrue();
            peer.send(MplexFrame.message(0, true, 2), (byte) 2, (byte) 3);
            assertThat(first.reset).isInstanceOf(StreamResetException.class)
                    .hasCauseInstanceOf(ProtocolViolationException.class);
            assertThat(first.size()).isZero();
            assertThat(peer.writtenFrames()).containsExactly(MplexFrame.reset(0, false));
            assertThat(peer.channel.isOpen()).isTrue();
            assertThat(peer.session.streamCount()).isOne();
        }
    }

    @Test
    void transfers8MiBBothWays() {
        byte[] up = payload(1, 8 << 20);
        byte[] down = payload(2, 8 << 20);
        try (MplexPair pair = new MplexPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(Unpooled.wrappedBuffer(up));
            out.closeWrite();
            pair.exchange();
            MuxedStream in = pair.serverInbound.get(0);
            Recorder server = Recorder.consuming(in);
            pair.exchange(); // the server paused reading until a listener took what had arrived
            in.write(Unpooled.wrappedBuffer(down));
            in.closeWrite();
            pair.exchange();
            assertThat(server.received.toByteArray()).isEqualTo(up);
            assertThat(client.received.toByteArray()).isEqualTo(down);
            assertThat(client.remoteClosed && server.remoteClosed).isTrue();
            assertThat(pair.client.streamCount() + pair.server.streamCount()).isZero();
        }
    }

    @Test
    void writesAreSplitIntoMessagesThatFitOneNoiseMessage() {
        try (RawPeer peer = new RawPeer()) {
            MuxedStream stream = peer.session.openStream().block(TIMEOUT);
            peer.written();
            stream.write(Unpooled.wrappedBuffer(new byte[200_000]));
            stream.flush();
            assertThat(peer.writtenFrames()).extracting(MplexFrame::length).containsExactly(
                    MplexSession.MAX_SEND_PAYLOAD, MplexSession.MAX_SEND_PAYLOAD, MplexSession.MAX_SEND_PAYLOAD,
                    200_000 - 3 * MplexSession.MAX_SEND_PAYLOAD);
            assertThat(MplexSession.MAX_SEND_PAYLOAD + MplexFrame.MAX_HEADER_LENGTH + 16).isEqualTo(65535);
        }
    }

    @Test
    void listenerHearsWhenTheConnectionIsWritableAgain() {
        try (RawPeer peer = new RawPeer()) {
            MuxedStream stream = peer.session.openStream().block(TIMEOUT);
            Recorder recorder = Recorder.consuming(stream);
            peer.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            peer.channel.runPendingTasks();
            assertThat(stream.isWritable()).isFalse();
            assertThat(recorder.writableEvents).isZero();
            peer.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
            peer.channel.runPendingTasks();
            assertThat(stream.isWritable()).isTrue();
            assertThat(recorder.writableEvents).isOne();
        }
    }

    // ---- many streams and limits ----

    @Test
    void hundredConcurrentStreamsKeepTheirDataApart() {
        try (MplexPair pair = new MplexPair()) {
            List<Recorder> clients = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                MuxedStream out = pair.openClientStream();
                clients.add(Recorder.consuming(out));
                out.write(Unpooled.wrappedBuffer(payload(i, 10_000 + i)));
                out.closeWrite();
            }
            pair.exchange();
            assertThat(pair.serverInbound).hasSize(100);
            for (MuxedStream in : pair.serverInbound) {
                Recorder server = Recorder.consuming(in);
                assertThat(server.remoteClosed).isTrue();
                in.write(Unpooled.wrappedBuffer(reversed(server.received.toByteArray())));
                in.closeWrite();
            }
            pair.exchange();
            for (int i = 0; i < 100; i++) {
                assertThat(clients.get(i).received.toByteArray()).isEqualTo(reversed(payload(i, 10_000 + i)));
                assertThat(clients.get(i).remoteClosed).isTrue();
            }
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    @Test
    void streamsBeyondTheInboundLimitAreReset() {
        try (MplexPair pair = new MplexPair(MplexConfig.defaults(), MplexConfig.defaults().withMaxInboundStreams(2))) {
            List<Recorder> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MuxedStream out = pair.openClientStream();
                clients.add(Recorder.consuming(out));
                out.write(text("hello"));
                out.flush();
            }
            pair.exchange();
            assertThat(pair.serverInbound).hasSize(2);
            assertThat(clients.get(0).reset).isNull();
            assertThat(clients.get(1).reset).isNull();
            assertThat(clients.get(2).reset).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.remote()).isTrue());
            assertThat(pair.serverChannel.isOpen()).isTrue();
            pair.serverInbound.get(0).reset();
            pair.exchange();
            MuxedStream again = pair.openClientStream();
            again.write(text("room again"));
            again.flush();
            pair.exchange();
            assertThat(pair.serverInbound).hasSize(3);
        }
    }

    @Test
    void openingBeyondTheOutboundLimitFails() {
        try (MplexPair pair = new MplexPair(MplexConfig.defaults().withMaxOutboundStreams(1), MplexConfig.defaults())) {
            pair.openClientStream();
            assertThatThrownBy(pair::openClientStream).isInstanceOfSatisfying(LimitExceededException.class, e -> {
                assertThat(e.current()).isOne();
                assertThat(e.limit()).isOne();
            });
        }
    }

    @Test
    void rejectionsWhileNotReadingAreAFlood() {
        try (RawPeer peer = new RawPeer(MplexConfig.defaults().withMaxInboundStreams(0))) {
            peer.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            for (int i = 0; i < MplexSession.MAX_REPLIES_WHILE_BLOCKED; i++) {
                peer.send(MplexFrame.newStream(i));
            }
            assertThat(peer.channel.isOpen()).isTrue();
            peer.send(MplexFrame.newStream(-1L >>> 4));
            assertThat(peer.channel.isOpen()).isFalse();
        }
    }

    // ---- protocol errors ----

    @Test
    void aMessageForAStreamWeNeverOpenedIsAProtocolError() {
        try (RawPeer peer = new RawPeer()) {
            peer.session.openStream().block(TIMEOUT);
            peer.send(MplexFrame.message(1, false, 3), (byte) 1, (byte) 2, (byte) 3);
            assertClosedByViolation(peer, "MESSAGE_RECEIVER for stream 1, which we never opened");
        }
    }

    @Test
    void aNewStreamForAnOpenStreamIsAProtocolError() {
        try (RawPeer peer = new RawPeer()) {
            peer.send(MplexFrame.newStream(3));
            Recorder recorder = Recorder.consuming(peer.inbound.get(0));
            ByteBuf duplicate = RawPeer.encode(new MplexFrame(3, Flag.NEW_STREAM, 1), (byte) 'x');
            peer.channel.writeInbound(duplicate);
            assertClosedByViolation(peer, "NewStream for stream 3, which is open");
            assertThat(duplicate.refCnt()).as("the name after the bad header is released").isZero();
            assertThat(recorder.reset).isInstanceOf(StreamResetException.class)
                    .hasCauseInstanceOf(ProtocolViolationException.class).hasMessageContaining("connection closed");
        }
    }

    @Test
    void malformedInputClosesTheConnection() {
        try (RawPeer peer = new RawPeer()) {
            peer.send(MplexFrame.newStream(0));
            Recorder recorder = Recorder.consuming(peer.inbound.get(0));
            peer.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x07, 0x00}));
            assertClosedByViolation(peer, "unknown flag 7");
            assertThat(recorder.reset).hasCauseInstanceOf(ProtocolViolationException.class);
        }
        try (RawPeer peer = new RawPeer()) {
            peer.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x0a, (byte) 0x81, (byte) 0x80, 0x40}));
            assertClosedByViolation(peer, "exceeds the maximum");
        }
    }

    @Test
    void framesForStreamsThatAreGoneAreDropped() {
        try (RawPeer peer = new RawPeer()) {
            peer.send(MplexFrame.newStream(0));
            peer.inbound.get(0).reset();
            MuxedStream ours = peer.session.openStream().block(TIMEOUT);
            ours.reset();
            assertThat(peer.writtenFrames()).containsExactly(MplexFrame.reset(0, false), MplexFrame.newStream(0),
                    MplexFrame.reset(0, true));
            peer.send(MplexFrame.message(0, true, 3), (byte) 1, (byte) 2, (byte) 3);
            peer.send(MplexFrame.message(0, false, 1), (byte) 1);
            peer.send(MplexFrame.close(0, true));
            peer.send(MplexFrame.reset(0, false));
            peer.send(MplexFrame.message(99, true, 1), (byte) 1);
            assertThat(peer.channel.isOpen()).isTrue();
            assertThat(peer.written()).isEmpty();
            assertThat(peer.inbound).hasSize(1);
        }
    }

    // ---- close ----

    @Test
    void closeResetsStreamsAndCompletesAfterWhatWasWritten() {
        try (MplexPair pair = new MplexPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(text("last words"));
            pair.client.close().block(TIMEOUT);
            assertThat(pair.clientChannel.isOpen()).isFalse();
            assertThat(client.reset).isInstanceOf(StreamResetException.class).hasMessageContaining("connection closed");
            assertThat(pair.client.onClose().block(TIMEOUT)).isNull();
            assertThatThrownBy(pair::openClientStream).isInstanceOf(ConnectionClosedException.class);
            pair.exchange();
            assertThat(Recorder.consuming(pair.serverInbound.get(0)).text()).isEqualTo("last words");
        }
    }

    @Test
    void connectionLossResetsStreamsAndReleasesBufferedData() {
        try (MplexPair pair = new MplexPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(Unpooled.wrappedBuffer(new byte[100]));
            out.flush();
            pair.exchange();
            MuxedStream unlistened = pair.serverInbound.get(0);
            pair.clientChannel.close();
            pair.serverChannel.close();
            assertThat(client.reset).isInstanceOf(StreamResetException.class);
            Recorder late = Recorder.consuming(unlistened);
            assertThat(late.size()).as("buffered data was released with the reset").isZero();
            assertThat(late.reset).isInstanceOf(StreamResetException.class).hasMessageContaining("connection closed");
            assertThat(pair.server.onClose().block(TIMEOUT)).isNull();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    // ---- helpers ----

    static void assertClosedByViolation(RawPeer peer, String message) {
        assertThat(peer.channel.isOpen()).isFalse();
        assertThat(peer.session.streamCount()).isZero();
        assertThatThrownBy(() -> peer.session.openStream().block(TIMEOUT))
                .isInstanceOf(ConnectionClosedException.class)
                .cause().isInstanceOf(ProtocolViolationException.class).hasMessageContaining(message);
    }

    static byte[] payload(int seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
