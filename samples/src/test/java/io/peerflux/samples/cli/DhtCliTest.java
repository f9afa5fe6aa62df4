package io.peerflux.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The DHT from the command line, each node in its own JVM: three {@code peerflux node --dht server} bootstrapped in a
 * chain (1 through 0, 2 through 1) driven by stdin commands, and one-shot {@code peerflux dht} queries joining
 * through them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DhtCliTest {

    /** A running {@code peerflux node}: its ready line, and stdin commands answered one JSON line each. */
    record Node(Process process, BufferedReader out, Writer in, JsonNode ready) {

        static Node start(String... extraArgs) throws IOException {
            List<String> args = new ArrayList<>(List.of("node", "--dht", "server", "--dht-namespace", "test"));
            args.addAll(List.of(extraArgs));
            Process process = PeerfluxCliTest.cli(args.toArray(String[]::new))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            return new Node(process, out, in, PeerfluxCliTest.JSON.readTree(out.readLine()));
        }

        JsonNode command(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
            String answer = out.readLine();
            assertThat(answer).as("answer to " + line).isNotNull();
            return PeerfluxCliTest.JSON.readTree(answer);
        }

        String peerId() {
            return ready.get("peerId").asText();
        }

        String address() {
            return ready.get("addrs").get(0).asText();
        }
    }

    final List<Node> nodes = new ArrayList<>();

    @BeforeAll
    void startChain() throws Exception {
        nodes.add(Node.start());
        nodes.add(Node.start("--bootstrap", nodes.get(0).address()));
        nodes.add(Node.start("--bootstrap", nodes.get(1).address()));
    }

    @AfterAll
    void stopChain() throws Exception {
        for (Node node : nodes) {
            node.in().close();
            assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).as("node exits when stdin closes").isTrue();
            assertThat(node.process().exitValue()).isZero();
        }
    }

    @Test
    void nodesSayTheyServeTheDht() {
        assertThat(nodes).allSatisfy(n -> assertThat(n.ready().get("dht").asText()).isEqualTo("server"));
        assertThat(nodes.get(0).ready().get("protocols").toString()).contains("/ipfs/kad/1.0.0");
    }

    @Test
    void providedKeyIsFoundByAnotherNodeAndByAOneShotQuery() throws Exception {
        JsonNode provided = nodes.get(0).command("provide hello-dht");
        assertThat(provided.get("cmd").asText()).isEqualTo("provide");
        assertThat(provided.get("ok").asBoolean()).as(provided.toString()).isTrue();
        assertThat(provided.get("peers").asInt()).isPositive();

        JsonNode found = nodes.get(2).command("find-providers hello-dht");
        assertThat(found.get("ok").asBoolean()).as(found.toString()).isTrue();
        assertThat(found.get("key").asText()).isEqualTo(provided.get("key").asText());
        assertThat(found.get("providers")).extracting(p -> p.get("peerId").asText()).contains(nodes.get(0).peerId());

        PeerfluxCliTest.Result oneShot = PeerfluxCliTest.run("dht", "find-providers", "hello-dht", "--count", "1",
                "--bootstrap", nodes.get(1).address());
        assertThat(oneShot.exitCode()).as(oneShot.stderr()).isZero();
        assertThat(oneShot.lines()).singleElement()
                .satisfies(p -> assertThat(p.get("peerId").asText()).isEqualTo(nodes.get(0).peerId()));
    }

    @Test
    void valuePutUnderATestNamespaceIsReadElsewhere() throws Exception {
        JsonNode put = nodes.get(0).command("put /test/greeting hello, world");
        assertThat(put.get("ok").asBoolean()).as(put.toString()).isTrue();
        assertThat(put.get("peers").asInt()).isPositive();

        JsonNode got = nodes.get(2).command("get /test/greeting");
        assertThat(got.get("ok").asBoolean()).as(got.toString()).isTrue();
        assertThat(got.get("key").asText()).isEqualTo("/test/greeting");
        assertThat(got.get("value").asText()).isEqualTo("hello, world");
        assertThat(got.get("valueBase64").asText())
                .isEqualTo(Base64.getEncoder().encodeToString("hello, world".getBytes(StandardCharsets.UTF_8)));

        PeerfluxCliTest.Result oneShot = PeerfluxCliTest.run("dht", "get", "/test/greeting", "--dht-namespace", "test",
                "--bootstrap", nodes.get(2).address());
        assertThat(oneShot.exitCode()).as(oneShot.stderr()).isZero();
        assertThat(oneShot.lines()).singleElement()
                .satisfies(v -> assertThat(v.get("value").asText()).isEqualTo("hello, world"));
    }

    @Test
    void oneShotFindPeerPrintsThePeer() throws Exception {
        Node wanted = nodes.get(0);
        PeerfluxCliTest.Result result = PeerfluxCliTest.run("dht", "find-peer", wanted.peerId(),
                "--bootstrap", nodes.get(2).address());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode peer = result.lines().get(0);
        assertThat(peer.get("peerId").asText()).isEqualTo(wanted.peerId());
        assertThat(peer.get("addrs")).extracting(JsonNode::asText)
                .contains(wanted.address().replace("/p2p/" + wanted.peerId(), ""));
    }

    @Test
    void oneShotNotFoundExitsNonZeroWithAMessage() throws Exception {
        String nobody = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey()).toString();
        PeerfluxCliTest.Result result = PeerfluxCliTest.run("dht", "find-peer", nobody,
                "--bootstrap", nodes.get(2).address(), "--timeout", "20");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.lines()).isEmpty();
        assertThat(result.stderr()).contains(nobody).contains("not found");
    }

    @Test
    void badCommandsAnswerOkFalseAndTheNodeKeepsServing() throws Exception {
        Node node = nodes.get(1);
        JsonNode unknown = node.command("frobnicate now");
        assertThat(unknown.get("cmd").asText()).isEqualTo("frobnicate");
        assertThat(unknown.get("ok").asBoolean()).isFalse();
        assertThat(unknown.get("error").asText()).contains("unknown command").contains("find-peer");

        JsonNode usage = node.command("put /test/only-a-key");
        assertThat(usage.get("ok").asBoolean()).isFalse();
        assertThat(usage.get("error").asText()).contains("usage: put KEY VALUE...");

        JsonNode badKey = node.command("get not-a-record-key");
        assertThat(badKey.get("ok").asBoolean()).isFalse();
        assertThat(badKey.get("error").asText()).contains("/namespace/rest");

        JsonNode badPeer = node.command("find-peer 12D3KooWnope");
        assertThat(badPeer.get("ok").asBoolean()).isFalse();

        JsonNode peers = node.command("peers");
        assertThat(peers.get("ok").asBoolean()).isTrue();
        assertThat(peers.get("peers")).extracting(p -> p.get("peerId").asText()).contains(nodes.get(0).peerId());
    }
}
