package io.peerflux.dns;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DnsResponse;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Jazzer fuzz target: a DNS answer datagram of arbitrary bytes, decoded by Netty as the resolver's channel does,
 * then read by {@link TxtRecords#values}: that returns at most the asked-for number of values and never throws
 * (malformed TXT records are skipped); {@link TxtRecords#joinedStrings} of the raw input likewise returns text or
 * {@code null} without moving the reader index. See docs/fuzzing.md.
 */
class TxtRecordsFuzzerTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5353);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 53);
    private static final int LIMIT = 8;

    @FuzzTest
    void fuzz(byte[] input) {
        ByteBuf raw = Unpooled.wrappedBuffer(input);
        try {
            String joined = TxtRecords.joinedStrings(raw);
            assertThat(raw.readerIndex()).isZero();
            if (joined != null) {
                assertThat(joined.length()).isLessThanOrEqualTo(input.length);
            }
        } finally {
            raw.release();
        }

        EmbeddedChannel channel = new EmbeddedChannel(new DatagramDnsResponseDecoder());
        ByteBuf datagram = Unpooled.buffer(input.length).writeBytes(input); // not wrappedBuffer: EMPTY_BUFFER never frees
        DnsResponse response;
        try {
            channel.writeInbound(new DatagramPacket(datagram, LOCAL, SERVER));
            response = channel.readInbound();
        } catch (DecoderException notDns) {
            channel.finishAndReleaseAll();
            assertThat(datagram.refCnt()).isZero();
            return;
        }
        try {
            List<String> values = TxtRecords.values(response, LIMIT);
            assertThat(values).hasSizeLessThanOrEqualTo(LIMIT).doesNotContainNull();
        } finally {
            response.release();
            channel.finishAndReleaseAll();
        }
        assertThat(datagram.refCnt()).isZero();
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        // A response to a TXT query for _dnsaddr.example.com with one answer, "dnsaddr=/ip4/1.2.3.4/tcp/4001".
        byte[] name = {8, '_', 'd', 'n', 's', 'a', 'd', 'd', 'r', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0};
        byte[] text = "dnsaddr=/ip4/1.2.3.4/tcp/4001".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuf message = Unpooled.buffer();
        try {
            message.writeShort(0x1234).writeShort(0x8180).writeShort(1).writeShort(1).writeShort(0).writeShort(0);
            message.writeBytes(name).writeShort(16).writeShort(1);
            message.writeShort(0xc00c).writeShort(16).writeShort(1).writeInt(60).writeShort(text.length + 1)
                    .writeByte(text.length).writeBytes(text);
            seeds.add(target, "dnsaddr-answer", io.netty.buffer.ByteBufUtil.getBytes(message));
        } finally {
            message.release();
        }
        seeds.verifyOrWrite();
    }
}
