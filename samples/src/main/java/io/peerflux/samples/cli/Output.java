package io.peerflux.samples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerflux.kad.record.Validators;
import io.peerflux.peer.PeerInfo;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** JSON lines on stdout, one object per line, flushed at once so that scripts can follow along. */
final class Output {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Output() {
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** A peer: {@code {"peerId":…,"addrs":[…]}}. */
    static ObjectNode peer(PeerInfo peer) {
        ObjectNode line = object().put("peerId", peer.peerId().toString());
        ArrayNode addrs = line.putArray("addrs");
        peer.addresses().forEach(a -> addrs.add(a.toString()));
        return line;
    }

    /** A DHT record: {@code {"key":…,"value":TEXT,"valueBase64":…}}; the text is exact only for UTF-8 values. */
    static ObjectNode record(byte[] key, byte[] value) {
        return object().put("key", Validators.formatKey(key))
                .put("value", new String(value, StandardCharsets.UTF_8))
                .put("valueBase64", Base64.getEncoder().encodeToString(value));
    }

    static void print(PrintStream out, ObjectNode line) {
        out.println(line.toString());
        out.flush();
    }

    /** The message of an error and its causes, for stderr. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (text.length() > 0) {
                text.append(": caused by ");
            }
            text.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
            if (t.getCause() != null && t.getMessage() != null && t.getMessage().contains(String.valueOf(
                    t.getCause().getMessage()))) {
                break;
            }
        }
        return text.toString();
    }
}
