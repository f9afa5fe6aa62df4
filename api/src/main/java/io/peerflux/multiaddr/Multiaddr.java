package io.peerflux.multiaddr;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.peerflux.multiformats.Varint;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A self-describing network address (<a href="https://github.com/multiformats/multiaddr">
 * multiformats/multiaddr</a>), such as {@code /ip4/127.0.0.1/udp/4001/quic-v1/p2p/12D3KooW…}.
 *
 * <p>Immutable and thread-safe. Two multiaddrs are equal when their binary forms are. Parsing
 * either form validates every value, so {@code of(m.toString())} and {@code of(m.bytes())} both
 * equal {@code m}. The text form is canonical: {@code /ipfs/} becomes {@code /p2p/}, IPv6 is
 * written per RFC 5952, peer ids in base58btc, certificate hashes in base64url.
 *
 * <p>A multiaddr may be empty (text {@code "/"}), which is what decapsulating its first protocol
 * leaves. Malformed input fails with an {@link IllegalArgumentException} that says what is wrong and
 * where: the component index and text, or the byte offset.
 */
public final class Multiaddr {

    /** Longest value of a variable-length protocol: far above any DNS name, path or hash. */
    public static final int MAX_VALUE_LENGTH = 1024;

    private static final int MAX_QUOTED_INPUT = 200;

    private final byte[] bytes;
    private final List<Component> components;
    private final String text;

    private Multiaddr(byte[] bytes, List<Component> components) {
        this.bytes = bytes;
        this.components = List.copyOf(components);
        StringBuilder text = new StringBuilder();
        for (Component component : components) {
            text.append(component);
        }
        this.text = text.length() == 0 ? "/" : text.toString();
    }

    /**
     * Parses the text form.
     *
     * @param text for example {@code "/ip4/127.0.0.1/tcp/4001"}; trailing slashes are ignored
     * @return the multiaddr
     * @throws IllegalArgumentException if the text does not start with {@code '/'}, names an unknown
     *     protocol, lacks a value or has an invalid value; the message quotes the component
     */
    public static Multiaddr of(String text) {
        if (!text.startsWith("/")) {
            throw invalidText(text, "must begin with '/'");
        }
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '/') {
            end--;
        }
        String[] parts = text.substring(0, end).split("/", -1);
        List<Component> components = new ArrayList<>();
        int i = 1;
        while (i < parts.length) {
            int index = components.size();
            String name = parts[i++];
            Protocol protocol = Protocol.forName(name)
                    .orElseThrow(() -> invalidText(text, "component[" + index + "]: unknown protocol \"" + quote(name) + "\""));
            if (!protocol.hasValue()) {
                components.add(new Component(protocol, new byte[0]));
                continue;
            }
            if (i == parts.length) {
                throw invalidText(text, "component[" + index + "] /" + name + ": missing value");
            }
            String value = protocol.isPath() ? "/" + String.join("/", Arrays.asList(parts).subList(i, parts.length)) : parts[i];
            i = protocol.isPath() ? parts.length : i + 1;
            try {
                components.add(new Component(protocol, protocol.codec().parse(value)));
            } catch (IllegalArgumentException e) {
                throw invalidText(text, "component[" + index + "] /" + name + "/" + quote(value) + ": " + e.getMessage());
            }
        }
        return fromComponents(components);
    }

    /** Same as {@link #of(String)}. */
    public static Multiaddr parse(String text) {
        return of(text);
    }

    /**
     * Parses the binary form: a sequence of varint protocol code, value length (varint, only for
     * variable-length protocols) and value.
     *
     * @param bytes the binary form; it is copied
     * @return the multiaddr
     * @throws IllegalArgumentException if a code is unknown, a varint malformed, a value invalid or
     *     truncated, or a path protocol is not last; the message gives the byte offset
     */
    public static Multiaddr of(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<Component> components = new ArrayList<>();
        while (in.hasRemaining()) {
            int offset = in.position();
            int index = components.size();
            try {
                components.add(readComponent(in));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "invalid multiaddr bytes: component[" + index + "] at byte offset " + offset + ": " + e.getMessage(), e);
            }
        }
        checkPathLast(components);
        return new Multiaddr(bytes.clone(), components);
    }

    private static Component readComponent(ByteBuffer in) {
        long code = Varint.read(in);
        Protocol protocol = Protocol.forCode(code)
                .orElseThrow(() -> new IllegalArgumentException("unknown protocol code " + code + " (0x" + Long.toHexString(code) + ")"));
        long length = protocol.sizeBits() == Protocol.VARIABLE ? Varint.read(in) : protocol.sizeBits() / 8;
        if (length > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("/" + protocol + " value length " + length + " exceeds " + MAX_VALUE_LENGTH);
        }
        if (length > in.remaining()) {
            throw new IllegalArgumentException("truncated /" + protocol + " value: needs " + length + " byte(s), " + in.remaining() + " left");
        }
        byte[] value = new byte[(int) length];
        in.get(value);
        return new Component(protocol, value);
    }

    /**
     * Returns the multiaddr made of these components.
     *
     * @throws IllegalArgumentException if a path protocol is not last
     */
    static Multiaddr fromComponents(List<Component> components) {
        checkPathLast(components);
        int length = 0;
        for (Component component : components) {
            length += component.encodedLength();
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (Component component : components) {
            component.writeTo(out);
        }
        return new Multiaddr(out.array(), components);
    }

    /**
     * Returns {@code /ip4/<address>/tcp/<port>} or {@code /ip6/<address>/tcp/<port>}; a scoped IPv6
     * address gets an {@code /ip6zone/<scope id>} in front.
     *
     * @throws IllegalArgumentException if the port is outside 0-65535
     */
    public static Multiaddr tcp(InetAddress address, int port) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port + " out of range 0-65535");
        }
        List<Component> components = new ArrayList<>(3);
        if (address instanceof Inet6Address ip6 && ip6.getScopeId() != 0) {
            components.add(new Component(Protocol.IP6ZONE, Integer.toString(ip6.getScopeId()).getBytes(US_ASCII)));
        }
        components.add(new Component(address instanceof Inet4Address ? Protocol.IP4 : Protocol.IP6, address.getAddress()));
        components.add(new Component(Protocol.TCP, new byte[] {(byte) (port >> 8), (byte) port}));
        return fromComponents(components);
    }

    /** Returns a copy of the binary form. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Returns the components in order; the list is unmodifiable. */
    public List<Component> components() {
        return components;
    }

    /**
     * Returns this multiaddr followed by {@code inner}, for example {@code /ip4/1.2.3.4/tcp/1}
     * encapsulating {@code /ws} gives {@code /ip4/1.2.3.4/tcp/1/ws}.
     *
     * @throws IllegalArgumentException if this multiaddr ends with a path protocol and
     *     {@code inner} is not empty
     */
    public Multiaddr encapsulate(Multiaddr inner) {
        List<Component> all = new ArrayList<>(components);
        all.addAll(inner.components);
        return fromComponents(all);
    }

    /**
     * Returns this multiaddr without the last occurrence of {@code protocol} and everything after
     * it, or this multiaddr unchanged if {@code protocol} does not occur.
     */
    public Multiaddr decapsulate(Protocol protocol) {
        for (int i = components.size() - 1; i >= 0; i--) {
            if (components.get(i).protocol() == protocol) {
                return fromComponents(components.subList(0, i));
            }
        }
        return this;
    }

    /**
     * Returns the text value of the first component with {@code protocol}: the empty string if that
     * protocol has no value, nothing if it does not occur.
     */
    public Optional<String> valueOf(Protocol protocol) {
        return components.stream().filter(c -> c.protocol() == protocol).findFirst().map(Component::valueAsString);
    }

    /** Returns whether any component has {@code protocol}. */
    public boolean has(Protocol protocol) {
        return components.stream().anyMatch(c -> c.protocol() == protocol);
    }

    /** Returns this multiaddr without its trailing {@code /p2p/<peer id>}, or unchanged if it has none. */
    public Multiaddr withoutPeerId() {
        return endsWithPeerId() ? fromComponents(components.subList(0, components.size() - 1)) : this;
    }

    /**
     * Returns the multihash bytes of the peer id in the trailing {@code /p2p} component, if the
     * multiaddr ends with one (a {@code /p2p} before {@code /p2p-circuit} names the relay instead).
     */
    public Optional<byte[]> peerIdBytes() {
        return endsWithPeerId() ? Optional.of(components.get(components.size() - 1).value()) : Optional.empty();
    }

    private boolean endsWithPeerId() {
        return !components.isEmpty() && components.get(components.size() - 1).protocol() == Protocol.P2P;
    }

    /**
     * Returns the socket address of a multiaddr that starts with an IP address and a TCP or UDP
     * port, whatever follows (so {@code /ip4/1.2.3.4/udp/1/quic-v1} gives {@code 1.2.3.4:1}). A
     * leading {@code /ip6zone} with a numeric scope id is honoured. Nothing is resolved.
     *
     * @return the address, or nothing for any other shape (DNS names included)
     */
    public Optional<InetSocketAddress> toInetSocketAddress() {
        int at = 0;
        int scopeId = 0;
        if (!components.isEmpty() && components.get(0).protocol() == Protocol.IP6ZONE) {
            String zone = components.get(0).valueAsString();
            if (!zone.chars().allMatch(c -> c >= '0' && c <= '9') || zone.length() > 9) {
                return Optional.empty();
            }
            scopeId = Integer.parseInt(zone);
            at = 1;
        }
        if (components.size() < at + 2) {
            return Optional.empty();
        }
        Component ip = components.get(at);
        Component port = components.get(at + 1);
        boolean ipOk = ip.protocol() == Protocol.IP4 || ip.protocol() == Protocol.IP6;
        boolean portOk = port.protocol() == Protocol.TCP || port.protocol() == Protocol.UDP;
        if (!ipOk || !portOk || (at == 1 && ip.protocol() != Protocol.IP6)) {
            return Optional.empty();
        }
        byte[] p = port.value();
        int portNumber = (p[0] & 0xff) << 8 | (p[1] & 0xff);
        try {
            InetAddress address = at == 1 ? Inet6Address.getByAddress(null, ip.value(), scopeId) : InetAddress.getByAddress(ip.value());
            return Optional.of(new InetSocketAddress(address, portNumber));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a validated IP value has a legal length", e);
        }
    }

    /** Returns the canonical text form. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    private static void checkPathLast(List<Component> components) {
        for (int i = 0; i < components.size() - 1; i++) {
            if (components.get(i).protocol().isPath()) {
                throw new IllegalArgumentException("component[" + i + "] /" + components.get(i).protocol()
                        + " is a path and must be the last component, but " + (components.size() - 1 - i) + " follow");
            }
        }
    }

    private static IllegalArgumentException invalidText(String text, String problem) {
        return new IllegalArgumentException("invalid multiaddr \"" + quote(text) + "\": " + problem);
    }

    /** Shortens text that goes into an error message, so hostile input cannot blow up logs. */
    private static String quote(String text) {
        return text.length() <= MAX_QUOTED_INPUT ? text : text.substring(0, MAX_QUOTED_INPUT) + "…(" + text.length() + " chars)";
    }
}
