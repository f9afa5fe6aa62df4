package io.peerflux.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS server on loopback UDP for tests: answers TXT questions from a map of names to values
 * (each value one TXT record, split into 255-byte character-strings as a zone file would), NXDOMAIN for names it does
 * not know, and nothing at all for names it is told to ignore. It counts the questions it receives per name, so tests
 * can tell when (and whether) a query went out.
 */
public final class LoopbackDnsServer implements AutoCloseable {

    private static final int MAX_CHARACTER_STRING = 255;
    private static final long TTL_SECONDS = 60;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, List<String>> txtRecords = new ConcurrentHashMap<>();
    private final Set<String> ignored = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> questions = new ConcurrentHashMap<>();
    private final AtomicInteger answersSent = new AtomicInteger();
    private volatile Duration answerDelay = Duration.ZERO;
    private final Channel channel;

    private LoopbackDnsServer() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel channel) {
                        channel.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Responder());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Starts a server on an ephemeral loopback port. */
    public static LoopbackDnsServer start() throws InterruptedException {
        return new LoopbackDnsServer();
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Serves {@code values} as the TXT records of {@code name} (no trailing dot), replacing earlier ones. */
    public LoopbackDnsServer txt(String name, String... values) {
        return txt(name, List.of(values));
    }

    /** Serves {@code values} as the TXT records of {@code name} (no trailing dot), replacing earlier ones. */
    public LoopbackDnsServer txt(String name, List<String> values) {
        txtRecords.put(normalize(name), List.copyOf(values));
        return this;
    }

    /** Receives questions for {@code name} but never answers them, as a lost packet or a dead server would. */
    public LoopbackDnsServer ignore(String name) {
        ignored.add(normalize(name));
        return this;
    }

    /** Holds every later answer back this long. */
    public LoopbackDnsServer delayAnswers(Duration delay) {
        answerDelay = delay;
        return this;
    }

    /** Questions received for {@code name} (no trailing dot). */
    public int questions(String name) {
        AtomicInteger count = questions.get(normalize(name));
        return count == null ? 0 : count.get();
    }

    /** Questions received for any name. */
    public int questions() {
        return questions.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Answers written to the network so far. */
    public int answersSent() {
        return answersSent.get();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private final class Responder extends SimpleChannelInboundHandler<DatagramDnsQuery> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            String name = normalize(question.name());
            questions.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            if (ignored.contains(name)) {
                return;
            }
            // Everything the answer needs is copied now: the query is released when this method returns.
            Answer answer = new Answer(query.recipient(), query.sender(), query.id(), question.name(), question.type(),
                    txtRecords.get(name));
            Duration delay = answerDelay;
            if (delay.isZero()) {
                send(ctx, answer);
            } else {
                ctx.executor().schedule(() -> send(ctx, answer), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        private void send(ChannelHandlerContext ctx, Answer answer) {
            ctx.writeAndFlush(answer.response(ctx.alloc()));
            answersSent.incrementAndGet();
        }
    }

    /** What to answer: {@code values} {@code null} for an unknown name. */
    private record Answer(InetSocketAddress from, InetSocketAddress to, int id, String name, DnsRecordType type,
                          List<String> values) {

        DatagramDnsResponse response(ByteBufAllocator alloc) {
            DatagramDnsResponse response = new DatagramDnsResponse(from, to, id);
            response.setAuthoritativeAnswer(true);
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
            if (values == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else if (type.equals(DnsRecordType.TXT)) {
                for (String value : values) {
                    ByteBuf data = characterStrings(alloc, value);
                    response.addRecord(DnsSection.ANSWER,
                            new DefaultDnsRawRecord(name, DnsRecordType.TXT, TTL_SECONDS, data));
                }
            }
            return response;
        }
    }

    private static ByteBuf characterStrings(ByteBufAllocator alloc, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ByteBuf data = alloc.buffer(bytes.length + bytes.length / MAX_CHARACTER_STRING + 1);
        int offset = 0;
        do {
            int size = Math.min(MAX_CHARACTER_STRING, bytes.length - offset);
            data.writeByte(size).writeBytes(bytes, offset, size);
            offset += size;
        } while (offset < bytes.length);
        return data;
    }
}
