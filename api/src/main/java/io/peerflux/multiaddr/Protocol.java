package io.peerflux.multiaddr;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The multiaddr protocols Peerflux understands, with the codes and value sizes of multiaddr's
 * {@code protocols.csv} and the multicodec table.
 *
 * <p>A protocol's value is either absent ({@link #sizeBits()} is 0), of a fixed number of bits, or
 * {@link #VARIABLE} and then length-prefixed with a varint in the binary form. A
 * {@linkplain #isPath() path} protocol takes the whole rest of the text form as its value and so
 * must be the last component.
 */
public enum Protocol {
    // Qualified because enum constants may not refer to a later static field by its simple name.
    IP4("ip4", 0x04, 32, new Ip4Codec()),
    TCP("tcp", 0x06, 16, new UnsignedCodec(2, "port")),
    DCCP("dccp", 0x21, 16, new UnsignedCodec(2, "port")),
    IP6("ip6", 0x29, 128, new Ip6Codec()),
    IP6ZONE("ip6zone", 0x2a, Protocol.VARIABLE, new NameCodec("IPv6 zone")),
    IPCIDR("ipcidr", 0x2b, 8, new UnsignedCodec(1, "CIDR mask")),
    DNS("dns", 0x35, Protocol.VARIABLE, new NameCodec("DNS name")),
    DNS4("dns4", 0x36, Protocol.VARIABLE, new NameCodec("DNS name")),
    DNS6("dns6", 0x37, Protocol.VARIABLE, new NameCodec("DNS name")),
    DNSADDR("dnsaddr", 0x38, Protocol.VARIABLE, new NameCodec("DNS name")),
    SCTP("sctp", 0x84, 16, new UnsignedCodec(2, "port")),
    UDP("udp", 0x0111, 16, new UnsignedCodec(2, "port")),
    WEBRTC_DIRECT("webrtc-direct", 0x0118, 0, null),
    WEBRTC("webrtc", 0x0119, 0, null),
    P2P_CIRCUIT("p2p-circuit", 0x0122, 0, null),
    UNIX("unix", 0x0190, Protocol.VARIABLE, new PathCodec()),
    /** A peer id; {@code "ipfs"} is accepted as its old name when parsing. */
    P2P("p2p", 0x01a5, Protocol.VARIABLE, new PeerIdCodec()),
    /** Deprecated alias of {@code /tls/http}, still found in the wild. */
    HTTPS("https", 0x01bb, 0, null),
    TLS("tls", 0x01c0, 0, null),
    SNI("sni", 0x01c1, Protocol.VARIABLE, new NameCodec("SNI host name")),
    NOISE("noise", 0x01c6, 0, null),
    QUIC("quic", 0x01cc, 0, null),
    QUIC_V1("quic-v1", 0x01cd, 0, null),
    WEBTRANSPORT("webtransport", 0x01d1, 0, null),
    CERTHASH("certhash", 0x01d2, Protocol.VARIABLE, new CerthashCodec()),
    WS("ws", 0x01dd, 0, null),
    WSS("wss", 0x01de, 0, null),
    HTTP("http", 0x01e0, 0, null),
    /**
     * The memory transport ({@code memorytransport} 0x0309 in the multicodec table). Encoded as a
     * 64-bit big-endian unsigned number like go-multiaddr and rust-multiaddr do; protocols.csv
     * now lists it as variable-length and js-multiaddr follows that, so binary forms differ there.
     */
    MEMORY("memory", 0x0309, 64, new UnsignedCodec(8, "memory address"));

    /** {@link #sizeBits()} of a protocol whose value is varint-length-prefixed. */
    public static final int VARIABLE = -1;

    private static final Map<String, Protocol> BY_NAME = new HashMap<>();
    private static final Map<Integer, Protocol> BY_CODE = new HashMap<>();

    static {
        for (Protocol p : values()) {
            BY_NAME.put(p.protocolName, p);
            BY_CODE.put(p.code, p);
        }
        BY_NAME.put("ipfs", P2P);
    }

    private final String protocolName;
    private final int code;
    private final int sizeBits;
    private final ValueCodec codec;

    Protocol(String protocolName, int code, int sizeBits, ValueCodec codec) {
        this.protocolName = protocolName;
        this.code = code;
        this.sizeBits = sizeBits;
        this.codec = codec;
    }

    /** Returns the name used in the text form, for example {@code "quic-v1"}. */
    public String protocolName() {
        return protocolName;
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

    /** Returns {@link #protocolName()}. */
    @Override
    public String toString() {
        return protocolName;
    }

    ValueCodec codec() {
        return codec;
    }
}
