package io.peerflux.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Initials with a foreign token get a Retry whose token brings them through; everything else passes or, if it is
 * a v1 Initial that does not parse, is dropped.
 */
class ForeignTokenRetryTest {

    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 4001);
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 5001);
    static final byte[] DCID = RetryTokensTest.bytes(8, 1);
    static final byte[] SCID = RetryTokensTest.bytes(20, 2);
    static final byte[] FOREIGN_TOKEN = RetryTokensTest.bytes(60, 3);

    RetryTokens tokens;
    EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        tokens = RetryTokens.create();
        channel = new EmbeddedChannel(new ForeignTokenRetry(tokens));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    /** A client Initial (v1) from {@link #SCID} to {@code dcid}, padded to {@code size} bytes. */
    static ByteBuf initial(byte[] dcid, byte[] token, int size) {
        ByteBuf packet = Unpooled.buffer(size).writeByte(0xc3).writeInt(RetryPacket.VERSION_1)
                .writeByte(dcid.length).writeBytes(dcid).writeByte(SCID.length).writeBytes(SCID);
        if (token.length < 64) {
            packet.writeByte(token.length);
        } else {
            packet.writeShort(0x4000 | token.length);
        }
        packet.writeBytes(token);
        return packet.writeZero(Math.max(0, size - packet.readableBytes()));
    }

    DatagramPacket receive(ByteBuf content) {
        DatagramPacket packet = new DatagramPacket(content, SERVER, CLIENT);
        channel.writeInbound(packet);
        channel.checkException();
        return packet;
    }

    void assertPasses(ByteBuf content) {
        DatagramPacket packet = receive(content);
        assertThat((Object) channel.readInbound()).isSameAs(packet);
        assertThat((Object) channel.readOutbound()).isNull();
        packet.release();
    }

    void assertDropped(ByteBuf content) {
        DatagramPacket packet = receive(content);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(packet.refCnt()).isZero();
    }

    @Test
    void tokenlessInitialsPassWithoutARetry() {
        assertPasses(initial(DCID, new byte[0], 1200));
    }

    @Test
    void otherPacketsPass() {
        assertPasses(Unpooled.buffer().writeByte(0x40).writeBytes(SCID).writeZero(40));
        ByteBuf handshake = initial(DCID, FOREIGN_TOKEN, 1200);
        handshake.setByte(0, 0xe3);
        assertPasses(handshake);
        ByteBuf otherVersion = initial(DCID, FOREIGN_TOKEN, 1200);
        otherVersion.setInt(1, 0x6b3343cf);
        assertPasses(otherVersion);
        assertPasses(Unpooled.buffer().writeByte(0xc3).writeShort(0));
    }

    @Test
    void aForeignTokenGetsARetryWhoseTokenPasses() {
        DatagramPacket initial = receive(initial(DCID, FOREIGN_TOKEN, 1200));
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(initial.refCnt()).isZero();

        DatagramPacket retry = channel.readOutbound();
        assertThat(retry.recipient()).isEqualTo(CLIENT);
        byte[] bytes = ByteBufUtil.getBytes(retry.content());
        retry.release();
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        assertThat(in.readUnsignedByte() & 0xf0).as("long header, fixed bit, type Retry").isEqualTo(0xf0);
        assertThat(in.readInt()).isEqualTo(RetryPacket.VERSION_1);
        assertThat(ByteBufUtil.getBytes(in.readSlice(in.readUnsignedByte()))).as("DCID").isEqualTo(SCID);
        byte[] retryScid = ByteBufUtil.getBytes(in.readSlice(in.readUnsignedByte()));
        assertThat(retryScid).hasSize(PacketRouter.CONNECTION_ID_LENGTH).isNotEqualTo(DCID);
        byte[] token = ByteBufUtil.getBytes(in.readSlice(in.readableBytes() - RetryPacket.TAG_LENGTH));
        byte[] tag = new byte[RetryPacket.TAG_LENGTH];
        RetryPacket.integrityTag(DCID, bytes, bytes.length - tag.length, tag, 0);
        assertThat(ByteBufUtil.getBytes(in)).as("integrity tag").isEqualTo(tag);

        assertThat(tokens.validateToken(Unpooled.wrappedBuffer(token), CLIENT, Unpooled.wrappedBuffer(retryScid))
                .isValid()).isTrue();
        assertThat(Arrays.copyOfRange(token, RetryTokens.ODCID_OFFSET, token.length)).as("ODCID").isEqualTo(DCID);
        assertPasses(initial(retryScid, token, 1200));
    }

    @Test
    void ourTokenFromAnotherAddressGetsARetry() {
        byte[] retryScid = RetryTokensTest.bytes(20, 4);
        byte[] token = tokens.mint(Unpooled.wrappedBuffer(DCID), retryScid,
                new InetSocketAddress("127.0.0.1", 4002));
        receive(initial(retryScid, token, 1200));
        assertThat((Object) channel.readInbound()).isNull();
        DatagramPacket retry = channel.readOutbound();
        assertThat(retry).isNotNull();
        retry.release();
    }

    @Test
    void aLongForeignTokenGetsARetry() {
        receive(initial(DCID, RetryTokensTest.bytes(600, 5), 1200));
        DatagramPacket retry = channel.readOutbound();
        assertThat(retry).isNotNull();
        retry.release();
    }

    @Test
    void anInitialInASmallDatagramIsNotAnswered() {
        assertDropped(initial(DCID, FOREIGN_TOKEN, 1199));
    }

    @Test
    void malformedInitialsAreDropped() {
        assertDropped(initial(RetryTokensTest.bytes(21, 6), FOREIGN_TOKEN, 1200));
        ByteBuf longScid = initial(DCID, FOREIGN_TOKEN, 1200);
        longScid.setByte(6 + DCID.length, 21);
        assertDropped(longScid);
        ByteBuf tokenTooLong = initial(DCID, FOREIGN_TOKEN, 0);
        tokenTooLong.setByte(7 + DCID.length + SCID.length, FOREIGN_TOKEN.length + 1);
        assertDropped(tokenTooLong);
        ByteBuf eightByteLength = initial(DCID, new byte[0], 0);
        eightByteLength.setByte(eightByteLength.writerIndex() - 1, 0xff);
        assertDropped(eightByteLength);
        for (int length = 6; length < 8 + DCID.length + SCID.length; length++) {
            assertDropped(initial(DCID, FOREIGN_TOKEN, 0).writerIndex(length));
        }
    }

    @Property
    void randomDatagramsNeverFail(@ForAll byte[] datagram, @ForAll @IntRange(max = 3) int header) {
        setUp();
        ByteBuf content = Unpooled.buffer();
        if (header > 0) {
            // Mostly v1 Initials, so that the random bytes reach the ids and token.
            content.writeByte(0xc0).writeInt(RetryPacket.VERSION_1);
        }
        DatagramPacket packet = receive(content.writeBytes(datagram));
        DatagramPacket passed = channel.readInbound();
        if (passed == null) {
            assertThat(packet.refCnt()).isZero();
        } else {
            passed.release();
        }
        tearDown();
    }
}
