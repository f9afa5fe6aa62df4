package io.peerflux.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pinned js-libp2p peer ({@code interop/peer.mjs}) in a child process: started listening on loopback, driven by
 * JSON commands on its stdin, answering on its stdout.
 */
public final class JsPeer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final OutputStream stdin;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();

    private JsPeer(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(this::readReplies, "js-peer-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the js peer listening on {@code /ip4/127.0.0.1/tcp/0}; waits until it is ready. */
    public static JsPeer start() throws Exception {
        return start("peer.mjs");
    }

    /** Starts {@code script} of {@code interop/} with {@code args}; waits until it prints its ready line. */
    public static JsPeer start(String script, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("node", interopDir().resolve(script).toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(interopDir().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        JsPeer peer = new JsPeer(process);
        peer.ready.get(60, TimeUnit.SECONDS);
        return peer;
    }

    static Path interopDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("interop");
            if (Files.exists(candidate.resolve("peer.mjs"))) {
                if (!Files.isDirectory(candidate.resolve("node_modules"))) {
                    throw new IllegalStateException("run `npm install` in " + candidate + " first");
                }
                return candidate;
            }
        }
        throw new IllegalStateException("interop/peer.mjs not found above " + Path.of("").toAbsolutePath());
    }

    public PeerId peerId() {
        return PeerId.parse(ready.join().get("peerId").asText());
    }

    /** The js peer's listen address, with {@code /p2p/…}. */
    public Multiaddr address() {
        return Multiaddr.of(ready.join().get("addrs").get(0).asText());
    }

    /** Every listen address of the js peer, with {@code /p2p/…}, from its ready line. */
    public List<Multiaddr> addresses() {
        List<Multiaddr> addresses = new java.util.ArrayList<>();
        ready.join().get("addrs").forEach(address -> addresses.add(Multiaddr.of(address.asText())));
        return addresses;
    }

    /** The js peer's WebSocket listen address ({@code /ip4/127.0.0.1/tcp/N/ws/p2p/…}), from its ready line. */
    public Multiaddr webSocketAddress() {
        for (JsonNode address : ready.join().get("addrs")) {
            Multiaddr multiaddr = Multiaddr.of(address.asText());
            if (multiaddr.has(io.peerflux.multiaddr.Protocol.WS)) {
                return multiaddr;
            }
        }
        throw new IllegalStateException("the js peer listens on no /ws address");
    }

    /** The js peer's first listen address that uses {@code protocol} (e.g. WS, QUIC_V1), from its ready line. */
    public Multiaddr addressWith(io.peerflux.multiaddr.Protocol protocol) {
        for (JsonNode address : ready.join().get("addrs")) {
            Multiaddr multiaddr = Multiaddr.of(address.asText());
            if (multiaddr.has(protocol)) {
                return multiaddr;
            }
        }
        throw new IllegalStateException("the js peer listens on no " + protocol.name() + " address");
    }

    public List<String> protocols() {
        return JSON.convertValue(ready.join().get("protocols"), JSON.getTypeFactory()
                .constructCollectionType(List.class, String.class));
    }

    /** Runs a command and returns its reply; throws when the js side reports a failure. */
    public JsonNode command(String cmd, Map<String, Object> args, Duration timeout) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode request = JSON.valueToTree(args);
        request.put("id", id).put("cmd", cmd);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        synchronized (stdin) {
            stdin.write((request + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
        JsonNode result = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!result.path("ok").asBoolean()) {
            throw new JsPeerException(cmd + " failed on the js side: " + result.path("error").asText());
        }
        return result;
    }

    private void readReplies() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode reply = JSON.readTree(line);
                if (reply.has("event")) {
                    ready.complete(reply);
                } else if (reply.has("id")) {
                    CompletableFuture<JsonNode> waiting = pending.remove(reply.get("id").asInt());
                    if (waiting != null) {
                        waiting.complete(reply);
                    }
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        IllegalStateException gone = new IllegalStateException("js peer exited");
        ready.completeExceptionally(gone);
        pending.values().forEach(f -> f.completeExceptionally(gone));
    }

    @Override
    public void close() throws Exception {
        stdin.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The js side reported a failed command. */
    public static final class JsPeerException extends Exception {
        JsPeerException(String message) {
            super(message);
        }
    }
}
