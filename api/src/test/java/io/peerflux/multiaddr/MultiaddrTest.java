package io.peerflux.multiaddr;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multibase;
import io.peerflux.multiformats.Multihash;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MultiaddrTest {

    private static final HexFormat HEX = HexFormat.of();

    /** Examples of the libp2p peer-ids spec, "String representation". */
    static final String QM_PEER = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";
    static final String ED25519_PEER = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

    /**
     * Text and binary forms. The first two are multiaddr's test/multiaddr.feature and README; the
     * others were assembled independently (by a script) from the codes in protocols.csv.
     */
    @ParameterizedTest
    @CsvSource({
        "/ip4/192.0.2.42/tcp/443, 04c000022a0601bb",
        "/ip4/127.0.0.1/udp/1234, 047f000001910204d2",
        "/ip4/127.0.0.1/tcp/4001, 047f000001060fa1",
        "/ip4/127.0.0.1/udp/1234/quic-v1, 047f000001910204d2cd03",
        "/ip4/127.0.0.1/udp/1234/quic, 047f000001910204d2cc03",
        "/dns4/example.com/tcp/443/wss, 360b6578616d706c652e636f6d0601bbde03",
        "/dns/example.com/tcp/80/ws, 350b6578616d706c652e636f6d060050dd03",
        "/dnsaddr/bootstrap.libp2p.io, 3813626f6f7473747261702e6c69627032702e696f",
        "/ip6/::1/tcp/0, 2900000000000000000000000000000001060000",
        "/ip6/2001:db8::1/udp/443/webrtc-direct, 2920010db8000000000000000000000001910201bb9802",
        "/unix/tmp/p2p.sock, 90030d2f746d702f7032702e736f636b",
        "/memory/1234, 890600000000000004d2",
        "/ip4/1.2.3.4/tcp/443/tls/sni/example.com/http, 04010203040601bbc003c1030b6578616d706c652e636f6de003",
        "/ip4/1.2.3.4/tcp/1/noise, 0401020304060001c603",
        "/ip6zone/eth0/ip6/fe80::1/sctp/5000, 2a046574683029fe80000000000000000000000000000184011388",
        "/ip4/10.0.0.0/ipcidr/8, 040a0000002b08",
        "/ip4/1.2.3.4/udp/1/webrtc, 0401020304910200019902",
        "/ip4/1.2.3.4/dccp/1/https, 0401020304210001bb03",
        "/p2p-circuit, a202",
    })
    void textAndBinaryForms(String text, String hex) {
        byte[] bytes = HEX.parseHex(hex);
        Multiaddr fromText = Multiaddr.of(text);
        assertThat(HEX.formatHex(fromText.bytes())).isEqualTo(HEX.formatHex(bytes));
        Multiaddr fromBytes = Multiaddr.of(bytes);
        assertThat(fromBytes).isEqualTo(fromText).hasToString(text);
    }

    @Test
    void featureFileComponents() {
        Multiaddr m = Multiaddr.of("/ip4/192.0.2.42/tcp/443");
        assertThat(m.components()).containsExactly(
                new Component(Protocol.IP4, HEX.parseHex("c000022a")),
                new Component(Protocol.TCP, HEX.parseHex("01bb")));
        assertThat(m.components().get(0).valueAsString()).isEqualTo("192.0.2.42");
        assertThat(m.components().get(1)).hasToString("/tcp/443");
    }

    @Test
    void peerIdsInBothForms() {
        Multiaddr sha = Multiaddr.of("/ip4/1.2.3.4/tcp/4001/p2p/" + QM_PEER);
        assertThat(sha).hasToString("/ip4/1.2.3.4/tcp/4001/p2p/" + QM_PEER);
        assertThat(sha.peerIdBytes()).hasValueSatisfying(b -> assertThat(Multihash.parse(b).code()).isEqualTo(Multihash.SHA2_256));

        Multiaddr ed = Multiaddr.of("/ip4/1.2.3.4/udp/4001/quic-v1/p2p/" + ED25519_PEER);
        byte[] id = ed.peerIdBytes().orElseThrow();
        assertThat(HEX.formatHex(id, 0, 6)).isEqualTo("002408011220"); // identity multihash of an Ed25519 protobuf key
        assertThat(Multibase.BASE58BTC.encodeBare(id)).isEqualTo(ED25519_PEER);

        // The legacy /ipfs name and the CIDv1 text both parse; the canonical text is /p2p/<base58btc>.
        assertThat(Multiaddr.of("/ip4/1.2.3.4/tcp/4001/ipfs/" + QM_PEER)).isEqualTo(sha);
        String cid = Cid.v1(Cid.LIBP2P_KEY, Multihash.parse(id)).toString();
        assertThat(Multiaddr.of("/ip4/1.2.3.4/udp/4001/quic-v1/p2p/" + cid)).isEqualTo(ed).hasToString(ed.toString());
    }

    @Test
    void peerIdSpecCidExampleIsTheBase58Example() {
        assertThat(Multiaddr.of("/p2p/bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe")).hasToString("/p2p/" + QM_PEER);
    }

    @Test
    void circuitAddressesHaveTwoPeers() {
        String relay = "/ip4/1.2.3.4/tcp/1/p2p/" + QM_PEER + "/p2p-circuit";
        Multiaddr m = Multiaddr.of(relay + "/p2p/" + ED25519_PEER);
        assertThat(Multiaddr.of(m.bytes())).isEqualTo(m).hasToString(relay + "/p2p/" + ED25519_PEER);
        assertThat(m.valueOf(Protocol.P2P)).contains(QM_PEER);
        assertThat(m.withoutPeerId()).hasToString(relay);
        assertThat(Multiaddr.of(relay).peerIdBytes()).isEmpty();
        assertThat(Multiaddr.of(relay).withoutPeerId()).hasToString(relay);
        assertThat(m.decapsulate(Protocol.P2P_CIRCUIT)).hasToString("/ip4/1.2.3.4/tcp/1/p2p/" + QM_PEER);
        assertThat(m.decapsulate(Protocol.P2P)).hasToString(relay);
    }

    @Test
    void certhashIsPrintedAsBase64url() {
        Multihash hash = Multihash.sha256("cert".getBytes(US_ASCII));
        String base32 = Multibase.BASE32.encode(hash.bytes());
        Multiaddr m = Multiaddr.of("/ip4/1.2.3.4/udp/443/quic-v1/webtransport/certhash/" + base32);
        String base64url = Multibase.BASE64URL.encode(hash.bytes());
        assertThat(m).hasToString("/ip4/1.2.3.4/udp/443/quic-v1/webtransport/certhash/" + base64url);
        assertThat(m.valueOf(Protocol.CERTHASH)).contains(base64url);
        assertThat(Multiaddr.of(m.toString())).isEqualTo(m);
    }

    /** RFC 5952 section 4 canonical text, and section 5 for IPv4-mapped addresses. */
    @ParameterizedTest
    @CsvSource({
        "::1, ::1",
        "0:0:0:0:0:0:0:1, ::1",
        "::, ::",
        "1::, 1::",
        "2001:DB8:0:0:8:800:200C:417A, 2001:db8::8:800:200c:417a",
        "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
        "::ffff:192.0.2.1, ::ffff:192.0.2.1",
        "::ffff:c000:0201, ::ffff:192.0.2.1",
        "::1.2.3.4, ::102:304",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "fe80::1:2:3:4, fe80::1:2:3:4",
    })
    void ip6CanonicalText(String input, String canonical) {
        Multiaddr m = Multiaddr.of("/ip6/" + input);
        assertThat(m).hasToString("/ip6/" + canonical);
        assertThat(Multiaddr.of(m.toString())).isEqualTo(m);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''| must begin with '/'",
        "ip4/1.2.3.4| must begin with '/'",
        "/ip5/1.2.3.4| component[0]: unknown protocol \"ip5\"",
        "/ip4/1.2.3.4//tcp/1| component[1]: unknown protocol \"\"",
        "/ip4| component[0] /ip4: missing value",
        "/ip4/1.2.3.4/tcp| component[1] /tcp: missing value",
        "/ip4/256.0.0.1| component[0] /ip4/256.0.0.1: invalid IPv4 address",
        "/ip4/1.2.3| invalid IPv4 address",
        "/ip4/01.2.3.4| invalid IPv4 address",
        "/ip4/1.2.3.4.5| invalid IPv4 address",
        "/ip4/localhost| invalid IPv4 address",
        "/ip4/::1| invalid IPv4 address",
        "/ip6/1.2.3.4| invalid IPv6 address",
        "/ip6/:::| invalid IPv6 address",
        "/ip6/1::2::3| invalid IPv6 address",
        "/ip6/1:2:3:4:5:6:7:8:9| invalid IPv6 address",
        "/ip6/1:2:3:4:5:6:7:8::| invalid IPv6 address",
        "/ip6/12345::| invalid IPv6 address",
        "/ip6/fe80::1%eth0| invalid IPv6 address",
        "/ip6/1:| invalid IPv6 address",
        "/ip6/:1| invalid IPv6 address",
        "/ip6/g::| invalid IPv6 address",
        "/ip4/1.2.3.4/tcp/65536| component[1] /tcp/65536: port 65536 out of range 0-65535",
        "/ip4/1.2.3.4/udp/-1| port must be a decimal number",
        "/ip4/1.2.3.4/tcp/+80| port must be a decimal number",
        "/ip4/1.2.3.4/tcp/http| port must be a decimal number",
        "/ip4/1.2.3.4/tcp/99999999999999999999| out of range",
        "/memory/18446744073709551616| memory address 18446744073709551616 out of range 0-18446744073709551615",
        "/ipcidr/256| CIDR mask 256 out of range 0-255",
        "/p2p/QmNotAPeerId| component[0] /p2p/QmNotAPeerId",
        "/p2p/Qm0| invalid base58btc character '0' at index 2",
        "/p2p/bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku| libp2p-key codec",
        "/p2p/2Drjgb5DseoVAvRLngcVmd4YfJAi3J1145kiNFV3CL32Hs6vzb| unknown or unsupported multibase prefix '2'",
        "/ip4/1.2.3.4/tcp/1/certhash/xyz| unknown or unsupported multibase prefix 'x'",
        "/certhash/uEiA| truncated multihash",
        "/unix| component[0] /unix: missing value",
        "/tcp/1/quic-v1/1| component[2]: unknown protocol \"1\"",
    })
    void rejectsInvalidTextSayingWhatAndWhere(String text, String message) {
        assertThatThrownBy(() -> Multiaddr.of(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "047f0000| component[0] at byte offset 0: truncated /ip4 value: needs 4 byte(s), 3 left",
        "047f00000106| component[1] at byte offset 5: truncated /tcp value: needs 2 byte(s), 0 left",
        "047f000001061f| truncated /tcp",
        "07| unknown protocol code 7",
        "ffff03| unknown protocol code 65535",
        "80| truncated varint",
        "0480| truncated /ip4",
        "8000| not minimally encoded",
        "ffffffffffffffffff01| longer than 9 bytes",
        "35| truncated varint",
        "3500| empty DNS name",
        "35012f| DNS name may not contain '/'",
        "3502c328| not valid UTF-8",
        "358108| value length 1025 exceeds 1024",
        "9003022f61060001| component[0] /unix is a path and must be the last component",
        "9003012f| path must start with '/'",
        "9003022f2f| path must start with '/', be non-empty and not end with '/'",
        "a503021200| identity or 32-byte SHA2-256",
        "a503031301aa| identity or 32-byte SHA2-256",
        "a503020003| truncated multihash",
        "d2030412010000| trailing byte",
        "a2020a| unknown protocol code 10",
    })
    void rejectsInvalidBytesSayingWhatAndWhere(String hex, String message) {
        assertThatThrownBy(() -> Multiaddr.of(HEX.parseHex(hex))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void trailingSlashesAndEmptyAddress() {
        assertThat(Multiaddr.of("/ip4/1.2.3.4/tcp/1/")).hasToString("/ip4/1.2.3.4/tcp/1");
        Multiaddr empty = Multiaddr.of("/");
        assertThat(empty.components()).isEmpty();
        assertThat(empty).hasToString("/").isEqualTo(Multiaddr.of(new byte[0]));
        assertThat(empty.bytes()).isEmpty();
        assertThat(Multiaddr.of("/tcp/1").decapsulate(Protocol.TCP)).isEqualTo(empty);
    }

    @Test
    void unixPathTakesTheRest() {
        Multiaddr m = Multiaddr.of("/unix/var/run//a b.sock");
        assertThat(m.valueOf(Protocol.UNIX)).contains("/var/run//a b.sock");
        assertThat(m).hasToString("/unix/var/run//a b.sock");
        assertThat(Multiaddr.of("/ip4/1.2.3.4/unix/tmp/tcp/1").components()).hasSize(2);
        assertThatThrownBy(() -> m.encapsulate(Multiaddr.of("/p2p-circuit")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("path and must be the last");
        assertThat(m.encapsulate(Multiaddr.of("/"))).isEqualTo(m);
    }

    @Test
    void encapsulateAndDecapsulate() {
        Multiaddr tcp = Multiaddr.of("/ip4/1.2.3.4/tcp/1");
        Multiaddr ws = tcp.encapsulate(Multiaddr.of("/ws"));
        assertThat(ws).hasToString("/ip4/1.2.3.4/tcp/1/ws");
        assertThat(ws.decapsulate(Protocol.WS)).isEqualTo(tcp);
        assertThat(ws.decapsulate(Protocol.TCP)).hasToString("/ip4/1.2.3.4");
        assertThat(ws.decapsulate(Protocol.UDP)).isSameAs(ws);
        Multiaddr twice = Multiaddr.of("/ip4/1.2.3.4/tcp/1/ip4/5.6.7.8/tcp/2");
        assertThat(twice.decapsulate(Protocol.IP4)).isEqualTo(tcp);
        assertThat(twice.valueOf(Protocol.TCP)).contains("1");
    }

    @Test
    void valueLookups() {
        Multiaddr m = Multiaddr.of("/dns4/example.com/tcp/443/wss");
        assertThat(m.has(Protocol.WSS)).isTrue();
        assertThat(m.has(Protocol.WS)).isFalse();
        assertThat(m.valueOf(Protocol.DNS4)).contains("example.com");
        assertThat(m.valueOf(Protocol.WSS)).contains("");
        assertThat(m.valueOf(Protocol.IP4)).isEmpty();
        assertThat(m.peerIdBytes()).isEmpty();
        assertThat(m.withoutPeerId()).isSameAs(m);
        assertThat(m.toInetSocketAddress()).isEmpty();
    }

    @Test
    void socketAddresses() throws Exception {
        InetAddress v4 = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
        assertThat(Multiaddr.tcp(v4, 4001)).hasToString("/ip4/10.0.0.1/tcp/4001");
        assertThat(Multiaddr.tcp(v4, 4001).toInetSocketAddress()).contains(new InetSocketAddress(v4, 4001));
        assertThat(Multiaddr.of("/ip4/10.0.0.1/udp/9/quic-v1").toInetSocketAddress()).contains(new InetSocketAddress(v4, 9));

        InetAddress v6 = InetAddress.getByAddress(HEX.parseHex("20010db8000000000000000000000001"));
        assertThat(Multiaddr.tcp(v6, 65535)).hasToString("/ip6/2001:db8::1/tcp/65535");
        assertThat(Multiaddr.of("/ip6/2001:db8::1/tcp/65535").toInetSocketAddress()).contains(new InetSocketAddress(v6, 65535));

        Inet6Address scoped = Inet6Address.getByAddress(null, HEX.parseHex("fe800000000000000000000000000001"), 3);
        Multiaddr zoned = Multiaddr.tcp(scoped, 1);
        assertThat(zoned).hasToString("/ip6zone/3/ip6/fe80::1/tcp/1");
        assertThat(zoned.toInetSocketAddress()).hasValueSatisfying(a -> {
            assertThat(a.getAddress()).isEqualTo(scoped);
            assertThat(((Inet6Address) a.getAddress()).getScopeId()).isEqualTo(3);
        });
        assertThat(Multiaddr.of("/ip6zone/eth0/ip6/fe80::1/tcp/1").toInetSocketAddress()).isEmpty();
        assertThat(Multiaddr.of("/ip6zone/3/ip4/1.2.3.4/tcp/1").toInetSocketAddress()).isEmpty();
        assertThat(Multiaddr.of("/ip4/1.2.3.4").toInetSocketAddress()).isEmpty();
        assertThat(Multiaddr.of("/tcp/1/ip4/1.2.3.4").toInetSocketAddress()).isEmpty();
        assertThatThrownBy(() -> Multiaddr.tcp(v4, 65536)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isImmutableAndComparedByBytes() {
        Multiaddr m = Multiaddr.of("/ip4/1.2.3.4/tcp/1");
        m.bytes()[0] = 0x29;
        m.components().get(0).value()[0] = 9;
        assertThat(m).hasToString("/ip4/1.2.3.4/tcp/1");
        assertThat(m).isEqualTo(Multiaddr.parse("/ip4/1.2.3.4/tcp/01")).hasSameHashCodeAs(Multiaddr.of("/ip4/1.2.3.4/tcp/1"));
        assertThat(m).isNotEqualTo(Multiaddr.of("/ip4/1.2.3.4/udp/1"));
        assertThatThrownBy(() -> m.components().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void componentsValidateTheirValues() {
        assertThatThrownBy(() -> new Component(Protocol.TCP, new byte[3])).hasMessageContaining("must be 2 bytes");
        assertThatThrownBy(() -> new Component(Protocol.WS, new byte[1])).hasMessageContaining("takes no value");
        assertThatThrownBy(() -> new Component(Protocol.DNS, "a/b".getBytes(US_ASCII))).hasMessageContaining("may not contain '/'");
        assertThat(new Component(Protocol.WS, new byte[0])).hasToString("/ws");
    }

    @Test
    void protocolTable() {
        assertThat(Protocol.forName("ipfs")).contains(Protocol.P2P);
        assertThat(Protocol.forName("quic-v1")).contains(Protocol.QUIC_V1);
        assertThat(Protocol.forCode(0x0111)).contains(Protocol.UDP);
        assertThat(Protocol.forCode(-1)).isEmpty();
        assertThat(Protocol.forCode(1L << 40)).isEmpty();
        assertThat(Protocol.UNIX.isPath()).isTrue();
        assertThat(Protocol.IP6.sizeBits()).isEqualTo(128);
        assertThat(Protocol.DNS.sizeBits()).isEqualTo(Protocol.VARIABLE);
        assertThat(Protocol.WS.hasValue()).isFalse();
        assertThat(Protocol.WEBRTC_DIRECT).hasToString("webrtc-direct");
        assertThat(Protocol.IP4.name()).isEqualTo("ip4");
        assertThat(Protocol.values()).hasSize(29).doesNotHaveDuplicates()
                .allSatisfy(p -> assertThat(Protocol.forCode(p.code())).containsSame(p))
                .allSatisfy(p -> assertThat(Protocol.forName(p.name())).containsSame(p));
    }
}
