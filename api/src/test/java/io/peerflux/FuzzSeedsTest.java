package io.peerflux;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.crypto.SpecVectors;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multibase;
import io.peerflux.multiformats.Multihash;
import io.peerflux.multiformats.Varint;
import io.peerflux.peer.PeerId;
import io.peerflux.record.PeerRecord;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed seed corpora of api's fuzz targets are what the encoders write ({@link FuzzSeeds}). */
class FuzzSeedsTest {


    private static final List<String> ADDRESSES = List.of(
            "/ip4/127.0.0.1/tcp/4001",
            "/ip6/::1/udp/4001/quic-v1/webtransport/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
            "/dns4/example.com/tcp/443/wss/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
            "/dnsaddr/bootstrap.libp2p.io/p2p-circuit/unix/tmp/peerflux.sock",
            "/ip4/1.2.3.4/udp/1234/webrtc-direct/sni/example.com/ip6zone/x/memory/7");

    @Test
    void seedsAreTheEncodersOutput() {
        FuzzSeeds seeds = new FuzzSeeds();
        for (int i = 0; i < ADDRESSES.size(); i++) {
            Multiaddr addr = Multiaddr.of(ADDRESSES.get(i));
            seeds.add("io.peerflux.multiaddr.MultiaddrBinaryFuzzerTest", "addr" + i, addr.bytes());
            seeds.add("io.peerflux.multiaddr.MultiaddrTextFuzzerTest", "addr" + i, addr.toString().getBytes(UTF_8));
        }

        List<byte[]> publicKeys = List.of(SpecVectors.ED25519_PUBLIC, SpecVectors.SECP256K1_PUBLIC,
                SpecVectors.ECDSA_PUBLIC, SpecVectors.RSA_PUBLIC);
        List<byte[]> privateKeys = List.of(SpecVectors.ED25519_PRIVATE, SpecVectors.SECP256K1_PRIVATE,
                SpecVectors.ECDSA_PRIVATE, SpecVectors.RSA_PRIVATE);
        List<String> types = List.of("ed25519", "secp256k1", "ecdsa", "rsa");
        for (int i = 0; i < types.size(); i++) {
            seeds.add("io.peerflux.crypto.PublicKeyFuzzerTest", types.get(i), PublicKey.unmarshal(publicKeys.get(i)).marshal());
            seeds.add("io.peerflux.crypto.PrivateKeyFuzzerTest", types.get(i), PrivateKey.unmarshal(privateKeys.get(i)).marshal());
        }

        for (long value : new long[] {0, 127, 128, 300, 1L << 62}) {
            seeds.add("io.peerflux.multiformats.VarintFuzzerTest", Long.toString(value), Varint.encode(value));
        }
        Multihash sha256 = Multihash.sha256("peerflux".getBytes(UTF_8));
        Multihash identity = Multihash.identity(SpecVectors.ED25519_PUBLIC);
        seeds.add("io.peerflux.multiformats.MultihashFuzzerTest", "sha256", sha256.bytes());
        seeds.add("io.peerflux.multiformats.MultihashFuzzerTest", "identity", identity.bytes());
        List<Cid> cids = List.of(Cid.v0(sha256), Cid.v1(Cid.LIBP2P_KEY, identity), Cid.v1(0x71, sha256));
        for (int i = 0; i < cids.size(); i++) {
            seeds.add("io.peerflux.multiformats.CidBinaryFuzzerTest", "cid" + i, cids.get(i).bytes());
            seeds.add("io.peerflux.multiformats.CidTextFuzzerTest", "cid" + i, cids.get(i).toString().getBytes(UTF_8));
        }
        seeds.add("io.peerflux.multiformats.CidTextFuzzerTest", "base64url",
                cids.get(1).toString(Multibase.BASE64URL).getBytes(UTF_8));

        PeerId inlined = PeerId.fromPublicKey(PublicKey.unmarshal(SpecVectors.ED25519_PUBLIC));
        PeerId hashed = PeerId.fromPublicKey(PublicKey.unmarshal(SpecVectors.RSA_PUBLIC));
        PeerId secp = PeerId.fromPublicKey(PublicKey.unmarshal(SpecVectors.SECP256K1_PUBLIC));
        for (PeerId id : List.of(inlined, hashed, secp)) {
            seeds.add("io.peerflux.peer.PeerIdBinaryFuzzerTest", id.toBase58(), id.bytes());
            seeds.add("io.peerflux.peer.PeerIdTextFuzzerTest", id.toBase58(), id.toBase58().getBytes(UTF_8));
            seeds.add("io.peerflux.peer.PeerIdTextFuzzerTest", "cid-" + id.toBase58(), id.toCid().getBytes(UTF_8));
        }
        PeerRecord record = PeerRecord.create(PrivateKey.unmarshal(SpecVectors.ED25519_PRIVATE), 1_700_000_000_000L,
                List.of(Multiaddr.of(ADDRESSES.get(0)), Multiaddr.of(ADDRESSES.get(1))));
        seeds.add("io.peerflux.record.EnvelopeFuzzerTest", "envelope", modeByte(0, record.envelope().bytes()));
        seeds.add("io.peerflux.record.EnvelopeFuzzerTest", "payload", modeByte(1, record.envelope().payload()));
        seeds.verifyOrWrite();
    }

    private static byte[] modeByte(int mode, byte[] rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(mode);
        out.writeBytes(rest);
        return out.toByteArray();
    }
}
