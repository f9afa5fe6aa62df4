package io.peerflux.multiaddr;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The multiaddr protocols Peerflux understands, with the codes and value sizes of multiaddr's
 * {@code protocols.csv} and the multicodec table. There is one instance per protocol, so they
 * compare with {@code ==}; {@link #name()} is the text name ({@code "ip4"}), not a Java identifier.
 *
 * <p>A protocol's value is either absent ({@link #sizeBits()} is 0), of a fixed number of bits, or
 * {@link #VARIABLE} and then length-prefixed with a varint in the binary form. A
 * {@linkplain #isPath() path} protocol takes the whole rest of the text form as its value and so
 * must be the last component.
 */
public final class Protocol {

    /** {@link #sizeBits()} of a protocol whose value is varint-length-prefixed. */
    public static final int VARIABLE = -1;

    public static final Protocol IP4 = new Protocol("ip4", 0x04, 32, new Ip4Codec());
    public static final Protocol TCP = new Protocol("tcp", 0x06, 16, new UnsignedCodec(2, "port"));
    public static final Protocol DCCP = new Protocol("dccp", 0x21, 16, new UnsignedCodec(2, "port"));
    public static final Protocol IP6 = new Protocol("ip6", 0x29, 128, new Ip6Codec());
    public static final Protocol IP6ZONE = new Protocol("ip6zone", 0x2a, VARIABLE, new NameCodec("IPv6 zone"));
    public static final Protocol IPCIDR = new Protocol("ipcidr", 0x2b, 8, new UnsignedCodec(1, "CIDR mask"));
    public static final Protocol DNS = new Protocol("dns", 0x35, VARIABLE, new NameCodec("DNS name"));
    public static final Protocol DNS4 = new Protocol("dns4", 0x36, VARIABLE, new NameCodec("DNS name"));
    public static final Protocol DNS6 = new Protocol("dns6", 0x37, VARIABLE, new NameCodec("DNS name"));
    public static final Protocol DNSADDR = new Protocol("dnsaddr", 0x38, VARIABLE, new NameCodec("DNS name"));
    public static final Protocol SCTP = new Protocol("sctp", 0x84, 16, new UnsignedCodec(2, "port"));
    public static final Protocol UDP = new Protocol("udp", 0x0111, 16, new UnsignedCodec(2, "port"));
    public static final Protocol WEBRTC_DIRECT = new Protocol("webrtc-direct", 0x0118, 0, null);
    public static final Protocol WEBRTC = new Protocol("webrtc", 0x0119, 0, null);
    public static final Protocol P2P_CIRCUIT = new Protocol("p2p-circuit", 0x0122, 0, null);
    public static final Protocol UNIX = new Protocol("unix", 0x0190, VARIABLE, new PathCodec());
    /** A peer id; {@code "ipfs"} is accepted as its old name when parsing. */
    public static final Protocol P2P = new Protocol("p2p", 0x01a5, VARIABLE, new PeerIdCodec());
    /** Deprecated alias of {@code /tls/http}, still found in the wild. */
    public static final Protocol HTTPS = new Protocol("https", 0x01bb, 0, null);
    public static final Protocol TLS = new Protocol("tls", 0x01c0, 0, null);
    public static final Protocol SNI = new Protocol("sni", 0x01c1, VARIABLE, new NameCodec("SNI host name"));
    public static final Protocol NOISE = new Protocol("noise", 0x01c6, 0, null);
    public static final Protocol QUIC = new Protocol("quic", 0x01cc, 0, null);
    public static final Protocol QUIC_V1 = new Protocol("quic-v1", 0x01cd, 0, null);
    public static final Protocol WEBTRANSPORT = new Protocol("webtransport", 0x01d1, 0, null);
    public static final Protocol CERTHASH = new Protocol("certhash", 0x01d2, VARIABLE, new CerthashCodec());
    public static final Protocol WS = new Protocol("ws", 0x01dd, 0, null);
    public static final Protocol WSS = new Protocol("wss", 0x01de, 0, null);
    public static final Protocol HTTP = new Protocol("http", 0x01e0, 0, null);
    /**
     * The memory transport ({@code memorytransport} 0x0309 in the multicodec table). Encoded as a
     * 64-bit big-endian unsigned number like go-multiaddr and rust-multiaddr do; protocols.csv
     * now lists it as variable-length and js-multiaddr follows that, so binary forms differ there.
     */
    public static final Protocol MEMORY = new Protocol("memory", 0x0309, 64, new UnsignedCodec(8, "memory address"));

    private static final List<Protocol> ALL = List.of(
            IP4, TCP, DCCP, IP6, IP6ZONE, IPCIDR, DNS, DNS4, DNS6, DNSADDR, SCTP, UDP, WEBRTC_DIRECT, WEBRTC, P2P_CIRCUIT,
            UNIX, P2P, HTTPS, TLS, SNI, NOISE, QUIC, QUIC_V1, WEBTRANSPORT, CERTHASH, WS, WSS, HTTP, MEMORY);
    private static final Map<String, Protocol> BY_NAME = new HashMap<>();
    private static final Map<Integer, Protocol> BY_CODE = new HashMap<>();

    static {
        for (Protocol p : ALL) {
            BY_NAME.put(p.name, p);
            BY_CODE.put(p.code, p);
        }
        BY_NAME.put("ipfs", P2P);
    }

    private final String name;
    private final int code;
    private final int sizeBits;
    private final ValueCodec codec;

    private Protocol(String name, int code, int sizeBits, ValueCodec codec) {
        this.name = name;
        this.code = code;
        this.sizeBits = sizeBits;
        this.codec = codec;
    }

    /** Returns the name used in the text form, for example {@code "quic-v1"}. */
    public String name() {
        return name;
    }

    /** Returns the multicodec code used in the binary form. */
    public int code() {
        return code;
    }

    /** Returns the value size in bits: 0 for no value, {@link #VARIABLE} for a length-prefixed value. */
    public int sizeBits() {
        return sizeBits;
    }

    /** Returns whether a value follows the protocol name or code. */
    public boolean hasValue() {
        return sizeBits != 0;
    }

    /** Returns whether the value is a path that takes the rest of the text form; such a protocol comes last. */
    public boolean isPath() {
        return this == UNIX;
    }

    /** Returns the protocol with this text name, accepting {@code "ipfs"} for {@link #P2P}. */
    public static Optional<Protocol> forName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Returns the protocol with this multicodec code. */
    public static Optional<Protocol> forCode(long code) {
        return code < 0 || code > Integer.MAX_VALUE ? Optional.empty() : Optional.ofNullable(BY_CODE.get((int) code));
    }

    /** Returns every protocol Peerflux understands. */
    public static List<Protocol> values() {
        return ALL;
    }

    /** Returns {@link #name()}. */
    @Override
    public String toString() {
        return name;
    }

    ValueCodec codec() {
        return codec;
    }
}
