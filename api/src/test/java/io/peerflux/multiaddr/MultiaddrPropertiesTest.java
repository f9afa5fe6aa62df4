package io.peerflux.multiaddr;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.multiformats.Multihash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class MultiaddrPropertiesTest {

    @Property(tries = 2000)
    void validMultiaddrsRoundTripExactly(@ForAll("multiaddrs") Multiaddr m) {
        Statistics.collect(m.components().size());
        Multiaddr fromText = Multiaddr.of(m.toString());
        Multiaddr fromBytes = Multiaddr.of(m.bytes());
        assertThat(fromText).isEqualTo(m).hasToString(m.toString());
        assertThat(fromBytes).isEqualTo(m).hasToString(m.toString());
        assertThat(fromBytes.components()).isEqualTo(m.components());
        for (Component c : m.components()) {
            if (c.protocol().hasValue()) {
                assertThat(c.protocol().codec().parse(c.valueAsString())).isEqualTo(c.value());
            }
        }
    }

    @Property(tries = 1000)
    void decapsulatingWhatWasEncapsulatedGivesTheOuterBack(@ForAll("multiaddrs") Multiaddr outer, @ForAll("noValueProtocols") Protocol last) {
        Multiaddr inner = Multiaddr.of("/" + last);
        if (outer.components().stream().anyMatch(c -> c.protocol().isPath() || c.protocol() == last)) {
            return;
        }
        assertThat(outer.encapsulate(inner).decapsulate(last)).isEqualTo(outer);
    }

    @Property(tries = 5000)
    void arbitraryBytesParseCanonicallyOrFailCleanly(@ForAll @Size(max = 64) byte[] bytes) {
        checkBytes(bytes);
    }

    /** Corrupts valid binary forms, which reaches deeper into the value decoders than random bytes. */
    @Property(tries = 5000)
    void corruptedBytesParseCanonicallyOrFailCleanly(
            @ForAll("multiaddrs") Multiaddr m, @ForAll @IntRange(max = 1000) int position, @ForAll byte replacement, @ForAll boolean truncate) {
        byte[] bytes = m.bytes();
        if (bytes.length == 0) {
            return;
        }
        int at = position % bytes.length;
        if (truncate) {
            bytes = Arrays.copyOf(bytes, at);
        } else {
            bytes[at] = replacement;
        }
        checkBytes(bytes);
    }

    @Property(tries = 5000)
    void textFromMultiaddrTokensParsesCanonicallyOrFailsCleanly(@ForAll("tokenText") String text) {
        Multiaddr m;
        try {
            m = Multiaddr.of(text);
        } catch (IllegalArgumentException expected) {
            Statistics.collect("rejected");
            return;
        }
        Statistics.collect("parsed");
        assertThat(Multiaddr.of(m.toString())).isEqualTo(m);
        assertThat(Multiaddr.of(m.bytes())).isEqualTo(m);
    }

    @Property(tries = 2000)
    void arbitraryTextFailsCleanly(@ForAll @Size(max = 60) String text) {
        try {
            Multiaddr.of(text);
            Multiaddr.of("/" + text);
        } catch (IllegalArgumentException expected) {
            // the only failure allowed
        }
    }

    private static void checkBytes(byte[] bytes) {
        Multiaddr m;
        try {
            m = Multiaddr.of(bytes);
        } catch (IllegalArgumentException expected) {
            Statistics.collect("rejected");
            return;
        }
        Statistics.collect("parsed");
        assertThat(m.bytes()).isEqualTo(bytes);
        assertThat(Multiaddr.of(m.toString())).isEqualTo(m);
    }

    @Provide
    Arbitrary<Protocol> noValueProtocols() {
        return Arbitraries.of(Protocol.values()).filter(p -> !p.hasValue());
    }

    @Provide
    Arbitrary<String> tokenText() {
        Arbitrary<String> token = Arbitraries.of(
                "", "ip4", "ip6", "tcp", "udp", "dns4", "unix", "p2p", "ipfs", "quic-v1", "ws", "certhash", "memory", "ip6zone",
                "1.2.3.4", "256.1.1.1", "::1", "fe80::", "1::2::3", "::ffff:1.2.3.4", "80", "65536", "-1", "0x10", "example.com",
                "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
                "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", "uEiA", "zQm", "18446744073709551615", "%", "é");
        return token.list().ofMaxSize(8).map(tokens -> "/" + String.join("/", tokens));
    }

    @Provide
    Arbitrary<Multiaddr> multiaddrs() {
        Arbitrary<Component> component = Arbitraries.of(Protocol.values()).filter(p -> !p.isPath()).flatMap(MultiaddrPropertiesTest::component);
        Arbitrary<List<Component>> body = component.list().ofMaxSize(6);
        Arbitrary<List<Component>> withPath = Combinators.combine(body, component(Protocol.UNIX)).as((list, path) -> {
            List<Component> all = new ArrayList<>(list);
            all.add(path);
            return all;
        });
        return Arbitraries.frequencyOf(
                        Tuple.of(6, body),
                        Tuple.of(1, withPath))
                .map(Multiaddr::fromComponents);
    }

    private static Arbitrary<Component> component(Protocol protocol) {
        return value(protocol).map(value -> new Component(protocol, value));
    }

    private static Arbitrary<byte[]> value(Protocol protocol) {
        if (protocol == Protocol.IP6) {
            return ip6();
        }
        if (protocol == Protocol.UNIX) {
            return segment(0).list().ofMinSize(1).ofMaxSize(4)
                    .filter(segments -> !segments.get(segments.size() - 1).isEmpty())
                    .map(segments -> ("/" + String.join("/", segments)).getBytes(StandardCharsets.UTF_8));
        }
        if (protocol == Protocol.P2P) {
            return Arbitraries.oneOf(
                    Arbitraries.bytes().array(byte[].class).ofSize(32).map(d -> Multihash.of(Multihash.SHA2_256, d).bytes()),
                    Arbitraries.bytes().array(byte[].class).ofMaxSize(42).map(d -> Multihash.identity(d).bytes()));
        }
        if (protocol == Protocol.CERTHASH) {
            return Combinators.combine(Arbitraries.integers().between(0, 0xffff), Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
                    .as((code, digest) -> Multihash.of(code, digest).bytes());
        }
        if (protocol.sizeBits() == Protocol.VARIABLE) { // the names: dns*, sni, ip6zone
            return segment(1).map(s -> s.getBytes(StandardCharsets.UTF_8));
        }
        return Arbitraries.bytes().array(byte[].class).ofSize(protocol.sizeBits() / 8);
    }

    /** IPv6 addresses with plenty of zero groups, so that "::" placement gets exercised. */
    private static Arbitrary<byte[]> ip6() {
        Arbitrary<Integer> group = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(0, 0xffff)));
        Arbitrary<byte[]> grouped = group.list().ofSize(8).map(groups -> {
            byte[] out = new byte[16];
            for (int g = 0; g < 8; g++) {
                out[2 * g] = (byte) (groups.get(g) >> 8);
                out[2 * g + 1] = (byte) (int) groups.get(g);
            }
            return out;
        });
        Arbitrary<byte[]> mapped = Arbitraries.bytes().array(byte[].class).ofSize(4).map(ip4 -> {
            byte[] out = new byte[16];
            out[10] = (byte) 0xff;
            out[11] = (byte) 0xff;
            System.arraycopy(ip4, 0, out, 12, 4);
            return out;
        });
        return Arbitraries.oneOf(grouped, mapped, Arbitraries.bytes().array(byte[].class).ofSize(16));
    }

    /** Text without '/' or unpaired surrogates; may include any other character. */
    private static Arbitrary<String> segment(int minLength) {
        return Arbitraries.strings()
                .withCharRange(' ', '.')
                .withCharRange('0', '\uD7FF')
                .withCharRange('\uE000', '\uFFFD')
                .ofMinLength(minLength)
                .ofMaxLength(20);
    }
}
