package io.peerflux.samples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;

/** JSON lines on stdout, one object per line, flushed at once so that scripts can follow along. */
final class Output {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Output() {
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
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
