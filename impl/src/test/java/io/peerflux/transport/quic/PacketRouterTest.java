package io.peerflux.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router sends datagrams for dialed connection ids to the client codec, everything else to the server codec. */
class PacketRouterTest {

    static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 4001);

    final List<ByteBuf> toServer = new ArrayList<>();
    final List<ByteBuf> toClient = new ArrayList<>();
    int serverReadCompletes;
    int clientReadCompletes;
    PacketRouter router;
    EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        router = new PacketRouter();
        channel = new EmbeddedChannel();
        channel.pipeline()
                .addLast(PacketRouter.SERVER_CODEC, new Recorder(toServer, () -> serverReadCompletes++))
                .addLast(new Recorder(toClient, () -> clientReadCompletes++))
                .addFirst(router);
    }

    /** Stands in for a codec: consumes datagrams and read-completes, as Netty's QUIC codecs do. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<ByteBuf> received;
        final Runnable readComplete;

        Recorder(List<ByteBuf> received, Runnable readComplete) {
            this.received = received;
            this.readComplete = readComplete;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            received.add(packet.content().copy());
            packet.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readComplete.run();
        }
    }

    static byte[] id(int seed) {
        byte[] id = new byte[PacketRouter.CONNECTION_ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = (byte) (seed * 31 + i);
        }
        return id;
    }

    /** A long-header packet (Initial, version 1) to {@code dcid}. */
    static ByteBuf longHeader(byte[] dcid) {
        return Unpooled.buffer().writeByte(0xc0).writeInt(1).writeByte(dcid.length).writeBytes(dcid)
                .writeByte(8).writeLong(42).writeBytes(new byte[40]);
    }

    /** A short-header packet to {@code dcid}. */
    static ByteBuf shortHeader(byte[] dcid) {
        return Unpooled.buffer().writeByte(0x40).writeBytes(dcid).writeBytes(new byte[30]);
    }

    void receive(ByteBuf packet) {
        channel.writeInbound(new DatagramPacket(packet, new InetSocketAddress(0), REMOTE));
    }

    @Test
    void dialedIdsGoToTheClientCodecInBothHeaderForms() {
        router.dialing(id(1));
        receive(longHeader(id(1)));
        receive(shortHeader(id(1)));
        assertThat(toClient).hasSize(2);
        assertThat(toServer).isEmpty();
        release();
    }

    @Test
    void otherIdsGoToTheServerCodec() {
        router.dialing(id(1));
        byte[] samePrefix = id(1);
        samePrefix[19] ^= 1;
        receive(longHeader(id(2)));
        receive(shortHeader(samePrefix));
        receive(longHeader(new byte[8]));
        receive(Unpooled.buffer().writeByte(0x40).writeBytes(new byte[5]));
        receive(Unpooled.EMPTY_BUFFER);
        assertThat(toServer).hasSize(5);
        assertThat(toClient).isEmpty();
        release();
    }

    @Test
    void aClosedConnectionsIdGoesBackToTheServerCodec() {
        router.dialing(id(1));
        router.closed(id(1));
        receive(shortHeader(id(1)));
        assertThat(toServer).hasSize(1);
        assertThat(toClient).isEmpty();
        release();
    }

    @Test
    void bothCodecsSeeReadComplete() {
        receive(shortHeader(id(3)));
        assertThat(serverReadCompletes).isEqualTo(1);
        assertThat(clientReadCompletes).isEqualTo(1);
        release();
    }

    @Property
    void randomDatagramsAreRoutedWithoutErrors(@ForAll byte[] datagram) {
        setUp();
        router.dialing(id(1));
        receive(Unpooled.wrappedBuffer(datagram));
        assertThat(toServer.size() + toClient.size()).isEqualTo(1);
        channel.checkException();
        release();
    }

    void release() {
        toServer.forEach(ByteBuf::release);
        toClient.forEach(ByteBuf::release);
        toServer.clear();
        toClient.clear();
        channel.finishAndReleaseAll();
    }
}
