package io.peerflux.security.noise;

import static io.peerflux.security.noise.EmbeddedPeer.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.ConnectionClosedException;
import io.peerflux.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Noise transport messages: framing, coalescing, round trips, and what ends a connection. */
class NoiseTransportTest {

    private static final int MAX_PLAINTEXT = NoiseTransportEncoder.MAX_PLAINTEXT;
    private static final int FRAME_OVERHEAD = 2 + CipherState.TAG_LENGTH;

    private final Noise noise = Noise.create();
    private final EmbeddedPeer dialer = EmbeddedPeer.create();
    private final EmbeddedPeer listener = EmbeddedPeer.create();
    private final List<EmbeddedChannel> others = new ArrayList<>();

    @AfterEach
    void finish() {
        dialer.finish();
        listener.finish();
        others.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void oneByte() {
        connect();
        assertRoundTrip(List.of(bytes(1, 1)), 1);
    }

    @Test
    void largestPlaintextFitsOneMessage() {
        connect();
        assertThat(MAX_PLAINTEXT).isEqualTo(65519);
        assertRoundTrip(List.of(bytes(MAX_PLAINTEXT, 2)), 1);
    }

    @Test
    void oneByteMoreTakesTwoMessages() {
        connect();
        assertRoundTrip(List.of(bytes(MAX_PLAINTEXT + 1, 3)), 2);
    }

    @Test
    void oneMebibyteInManyWritesIsCoalescedIntoFullMessages() {
        connect();
        List<byte[]> writes = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            writes.add(bytes(1024, i));
        }
        assertRoundTrip(writes, (1 << 20) / MAX_PLAINTEXT + 1);
    }

    @Test
    void headerAndDataWrittenSeparatelyShareOneMessage() {
        connect();
        dialer.channel.write(Unpooled.wrappedBuffer(bytes(12, 4)));
        dialer.channel.write(Unpooled.wrappedBuffer(bytes(100, 5)));
        assertThat((Object) dialer.channel.readOutbound()).as("nothing before flush").isNull();
        dialer.channel.flush();

        ByteBuf frame = dialer.channel.readOutbound();
        assertThat(frame.readableBytes()).isEqualTo(12 + 100 + FRAME_OVERHEAD);
        assertThat((Object) dialer.channel.readOutbound()).isNull();
        EmbeddedPeer.receive(listener, frame);
        ByteBuf plaintext = listener.channel.readInbound();
        assertThat(ByteBufUtil.getBytes(plaintext)).startsWith(bytes(12, 4)).endsWith(bytes(100, 5));
        plaintext.release();
    }

    @Test
    void largeWritesAreEncryptedWhereTheyLieInMessagesThatEndWithThem() {
        connect();
        List<byte[]> writes = List.of(bytes(12, 40), bytes(65_536, 41), bytes(12, 42), bytes(40_000, 43),
                bytes(100, 44), bytes(3 * MAX_PLAINTEXT + 5, 45),
                // what is gathered leaves no room for the next write's first bytes
                bytes(16_000, 46), bytes(16_000, 47), bytes(16_000, 48), bytes(16_000, 49), bytes(1_000, 50),
                bytes(MAX_PLAINTEXT + 1_000, 51));
        int max = MAX_PLAINTEXT;
        List<Integer> expected = new CipherState(new byte[32]).buffersParts()
                ? List.of(12 + 17, max, 12, 40_000, 100 + 5, max, max, max, 65_000, 1_000, max)
                : List.of(max, max, max, max, max, max, 40_627);
        assertThat(roundTrip(writes)).isEqualTo(expected);
    }

    @Test
    void writePromisesCompleteWhenTheirBytesAreWritten() {
        connect();
        ChannelFuture first = dialer.channel.write(Unpooled.wrappedBuffer(bytes(MAX_PLAINTEXT, 6)));
        ChannelFuture second = dialer.channel.write(Unpooled.wrappedBuffer(bytes(10, 7)));
        dialer.channel.flush();

        assertThat(first.isSuccess()).isTrue();
        assertThat(second.isSuccess()).isTrue();
        EmbeddedPeer.deliver(dialer, listener);
        releaseInbound(listener.channel);
    }

    @Test
    void bytesThatFollowTheLastHandshakeMessageInOneReadAreDecrypted() {
        byte[] early = bytes(300, 8);
        dialer.secure(noise, true, null, List.of(),
                session -> dialer.channel.writeAndFlush(Unpooled.wrappedBuffer(early)));
        listener.secure(noise, false, null, List.of());
        EmbeddedPeer.deliver(dialer, listener); // message 1
        EmbeddedPeer.deliver(listener, dialer); // message 2; the dialer answers with message 3 and its data
        ByteBuf oneRead = dialer.drainOutbound();
        assertThat(listener.result).isNotDone();
        listener.channel.writeInbound(oneRead);

        assertThat(listener.result).isCompleted();
        ByteBuf plaintext = listener.channel.readInbound();
        assertThat(ByteBufUtil.getBytes(plaintext)).isEqualTo(early);
        plaintext.release();
    }

    @Test
    void writesBeforeTheHandshakeCompletesAreEncryptedAfterIt() {
        dialer.secure(noise, true, null, List.of());
        listener.secure(noise, false, null, List.of());
        listener.channel.writeAndFlush(Unpooled.wrappedBuffer(bytes(50, 9)));
        exchange(dialer, listener);

        ByteBuf plaintext = dialer.channel.readInbound();
        assertThat(ByteBufUtil.getBytes(plaintext)).isEqualTo(bytes(50, 9));
        plaintext.release();
    }

    @Test
    void tamperedMessageClosesTheConnectionWithAProtocolViolation() {
        connect();
        dialer.channel.writeAndFlush(Unpooled.wrappedBuffer(bytes(10, 10)));
        dialer.channel.writeAndFlush(Unpooled.wrappedBuffer(bytes(10, 11)));
        EmbeddedPeer.deliver(dialer, listener);
        dialer.channel.writeAndFlush(Unpooled.wrappedBuffer(bytes(10, 12)));
        ByteBuf frame = dialer.channel.readOutbound();
        frame.setByte(5, frame.getByte(5) ^ 1);

        assertConnectionViolation(listener.channel, frame);
        releaseInbound(listener.channel, 2);
        assertThat((Object) listener.channel.readInbound()).isNull();
    }

    @Test
    void decoderDeliversMessagesSplitAcrossReads() throws GeneralSecurityException {
        byte[] key = NoiseTest.random(32);
        EmbeddedChannel channel = decoderChannel(new CipherState(key));
        ByteBuf wire = wire(new CipherState(key), List.of(bytes(1000, 13), new byte[0], bytes(7, 14)));
        while (wire.isReadable()) {
            channel.writeInbound(wire.readRetainedSlice(Math.min(3, wire.readableBytes())));
        }
        wire.release();

        ByteBuf first = channel.readInbound();
        ByteBuf second = channel.readInbound();
        assertThat(ByteBufUtil.getBytes(first)).isEqualTo(bytes(1000, 13));
        assertThat(ByteBufUtil.getBytes(second)).as("the empty message is skipped").isEqualTo(bytes(7, 14));
        first.release();
        second.release();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void largeMessagesAreDecryptedWholeWhereverReadsEnd() throws GeneralSecurityException {
        byte[] key = NoiseTest.random(32);
        EmbeddedChannel channel = decoderChannel(new CipherState(key));
        List<byte[]> plaintexts = new ArrayList<>();
        ByteBuf expected = Unpooled.buffer();
        for (int i = 0; i < 8; i++) {
            plaintexts.add(bytes(MAX_PLAINTEXT - 999 * i, 20 + i));
            expected.writeBytes(plaintexts.get(i));
        }
        ByteBuf wire = wire(new CipherState(key), plaintexts);
        int[] reads = {100_000, 30_000, 2 + 65_535, 1, 150_000};
        for (int i = 0; wire.isReadable(); i++) {
            channel.writeInbound(wire.readRetainedSlice(Math.min(reads[i % reads.length], wire.readableBytes())));
        }
        wire.release();

        ByteBuf received = Unpooled.buffer();
        int messages = 0;
        for (ByteBuf plaintext; (plaintext = channel.readInbound()) != null; messages++) {
            received.writeBytes(plaintext);
            plaintext.release();
        }
        assertThat(messages).isEqualTo(8);
        assertThat(ByteBufUtil.equals(received, expected)).isTrue();
        received.release();
        expected.release();
    }

    @Test
    void tamperedMessageThatSpansReadsIsAViolation() throws GeneralSecurityException {
        byte[] key = NoiseTest.random(32);
        EmbeddedChannel channel = decoderChannel(new CipherState(key));
        ByteBuf wire = wire(new CipherState(key), List.of(bytes(MAX_PLAINTEXT, 30), bytes(MAX_PLAINTEXT, 31)));
        int second = 2 + 65_535;
        wire.setByte(second + 40_000, wire.getByte(second + 40_000) ^ 1);

        channel.writeInbound(wire.readRetainedSlice(second + 30_000));
        releaseInbound(channel, 1);
        assertConnectionViolation(channel, wire);
    }

    @Test
    void messageShorterThanATagIsAViolation() {
        EmbeddedChannel channel = decoderChannel(new CipherState(new byte[32]));
        assertConnectionViolation(channel, Unpooled.wrappedBuffer(new byte[] {0, 15}, new byte[15]));
    }

    @Test
    void decoderRefusesTheReservedNonce() throws GeneralSecurityException {
        CipherState receiver = new CipherState(new byte[32]);
        receiver.setNonce(-1L);
        CipherState sender = new CipherState(new byte[32]);
        sender.setNonce(-2L);
        EmbeddedChannel channel = decoderChannel(receiver);
        assertConnectionViolation(channel, Unpooled.wrappedBuffer(frame(sender, bytes(5, 15))));
    }

    @Test
    void encoderClosesInsteadOfReusingANonce() {
        NoiseTransportEncoder encoder = new NoiseTransportEncoder();
        EmbeddedChannel channel = track(new EmbeddedChannel(encoder));
        CipherState sender = new CipherState(new byte[32]);
        sender.setNonce(-2L);
        encoder.activate(sender);

        assertThat(channel.writeAndFlush(Unpooled.wrappedBuffer(bytes(5, 16))).isSuccess()).isTrue();
        ChannelFuture pending = channel.write(Unpooled.wrappedBuffer(bytes(5, 17)));
        ChannelFuture refused = channel.writeAndFlush(Unpooled.wrappedBuffer(bytes(5, 18)));

        assertThat(refused.cause()).isInstanceOf(ConnectionClosedException.class);
        assertThat(pending.cause()).isInstanceOf(ConnectionClosedException.class);
        assertThat(channel.isOpen()).isFalse();
        releaseOutbound(channel);
    }

    @Test
    void encoderRefusesWhatItCannotEncrypt() {
        EmbeddedChannel channel = track(new EmbeddedChannel(new NoiseTransportEncoder()));
        ChannelFuture write = channel.writeAndFlush("text");
        assertThat(write.cause()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unflushedWritesFailWhenTheChannelCloses() {
        connect();
        ChannelFuture write = dialer.channel.write(Unpooled.wrappedBuffer(bytes(100, 19)));
        dialer.channel.close();
        dialer.channel.runPendingTasks();

        assertThat(write.isDone()).isTrue();
        assertThat(write.isSuccess()).isFalse();
    }

    private void connect() {
        dialer.secure(noise, true, null, List.of());
        listener.secure(noise, false, null, List.of());
        exchange(dialer, listener);
        assertThat(dialer.result).isCompleted();
        assertThat(listener.result).isCompleted();
    }

    /** Sends {@code writes} from dialer to listener with one flush; checks the message count and the bytes. */
    private void assertRoundTrip(List<byte[]> writes, int expectedMessages) {
        assertThat(roundTrip(writes)).hasSize(expectedMessages);
    }

    /** Sends {@code writes} from dialer to listener with one flush; checks the bytes, returns each message's length. */
    private List<Integer> roundTrip(List<byte[]> writes) {
        ByteBuf expected = Unpooled.buffer();
        for (byte[] write : writes) {
            dialer.channel.write(Unpooled.wrappedBuffer(write));
            expected.writeBytes(write);
        }
        dialer.channel.flush();

        List<Integer> plaintextLengths = new ArrayList<>();
        for (ByteBuf frame; (frame = dialer.channel.readOutbound()) != null; ) {
            assertThat(frame.readableBytes()).isLessThanOrEqualTo(2 + 65535);
            assertThat(frame.getUnsignedShort(0)).isEqualTo(frame.readableBytes() - 2);
            plaintextLengths.add(frame.readableBytes() - FRAME_OVERHEAD);
            EmbeddedPeer.receive(listener, frame);
        }
        ByteBuf received = Unpooled.buffer();
        for (ByteBuf plaintext; (plaintext = listener.channel.readInbound()) != null; ) {
            received.writeBytes(plaintext);
            plaintext.release();
        }
        assertThat(ByteBufUtil.equals(received, expected)).isTrue();
        received.release();
        expected.release();
        return plaintextLengths;
    }

    private EmbeddedChannel decoderChannel(CipherState receiver) {
        return track(new EmbeddedChannel(new NoiseTransportDecoder(receiver)));
    }

    private EmbeddedChannel track(EmbeddedChannel channel) {
        others.add(channel);
        return channel;
    }

    /** Transport messages of {@code plaintexts}, sealed by {@code sender}, back to back in one direct buffer. */
    private static ByteBuf wire(CipherState sender, List<byte[]> plaintexts) throws GeneralSecurityException {
        ByteBuf wire = Unpooled.directBuffer();
        for (byte[] plaintext : plaintexts) {
            wire.writeBytes(frame(sender, plaintext));
        }
        return wire;
    }

    private static byte[] frame(CipherState sender, byte[] plaintext) throws GeneralSecurityException {
        ByteBuffer out = ByteBuffer.allocate(2 + plaintext.length + CipherState.TAG_LENGTH);
        out.putShort((short) (plaintext.length + CipherState.TAG_LENGTH));
        sender.encrypt(null, new ByteBuffer[] {ByteBuffer.wrap(plaintext)}, out);
        return out.array();
    }

    /** Delivers {@code wire}, which must fire a connection-scoped violation down the pipeline and close. */
    private static void assertConnectionViolation(EmbeddedChannel channel, ByteBuf wire) {
        // EmbeddedChannel rethrows what reached the end of the pipeline.
        assertThatThrownBy(() -> channel.writeInbound(wire)).isInstanceOfSatisfying(ProtocolViolationException.class,
                e -> assertThat(e.scope()).isEqualTo(ProtocolViolationException.Scope.CONNECTION));
        assertThat(channel.isOpen()).isFalse();
    }

    private static void releaseInbound(EmbeddedChannel channel) {
        for (ByteBuf buf; (buf = channel.readInbound()) != null; ) {
            buf.release();
        }
    }

    private static void releaseInbound(EmbeddedChannel channel, int expected) {
        for (int i = 0; i < expected; i++) {
            ByteBuf buf = channel.readInbound();
            assertThat(buf).isNotNull();
            buf.release();
        }
    }

    private static void releaseOutbound(EmbeddedChannel channel) {
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            buf.release();
        }
    }

    static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7);
        }
        return bytes;
    }
}
