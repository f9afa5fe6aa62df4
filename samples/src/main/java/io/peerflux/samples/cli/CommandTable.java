package io.peerflux.samples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * The commands {@code peerflux node} reads on stdin, one per line. Each is answered with one JSON object,
 * {@code {"cmd":NAME,"ok":true,…}} with the handler's fields, or {@code {"cmd":NAME,"ok":false,"error":…}} for a line
 * that is not a known command, has the wrong arguments, or whose handler failed or took longer than the timeout.
 *
 * <p>A feature adds its commands with {@link #register}, described by their usage line: {@code "put KEY VALUE..."}
 * takes two arguments, the last being the rest of the line, spaces included. One name may have several forms, told
 * apart by how many arguments they take ({@code peers} and {@code peers TOPIC}).
 */
final class CommandTable {

    /** Carries out one command; emits the fields to add to the answer. */
    @FunctionalInterface
    interface Handler {
        Mono<ObjectNode> run(List<String> args);
    }

    /** One form of a command: its usage line and the arguments it takes. */
    private record Form(String usage, int arguments, boolean restOfLine, Handler handler) {

        /** The line's arguments if they fit this form, else null. */
        List<String> match(String argumentText) {
            if (argumentText.isEmpty()) {
                return arguments == 0 ? List.of() : null;
            }
            String[] parts = restOfLine ? argumentText.split("\\s+", arguments) : argumentText.split("\\s+");
            return parts.length == arguments ? Arrays.asList(parts) : null;
        }
    }

    private final Map<String, List<Form>> commands = new TreeMap<>();
    private final Duration timeout;

    /** @param timeout how long a command may take before it is answered with an error */
    CommandTable(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Adds a command form.
     *
     * @param usage the name, then one word per argument; a last word ending in {@code ...} takes the rest of the line
     */
    CommandTable register(String usage, Handler handler) {
        List<String> words = List.of(usage.trim().split("\\s+"));
        int arguments = words.size() - 1;
        boolean restOfLine = arguments > 0 && words.get(arguments).endsWith("...");
        List<Form> forms = commands.computeIfAbsent(words.get(0), name -> new ArrayList<>());
        if (forms.stream().anyMatch(f -> f.arguments() == arguments)) {
            throw new IllegalArgumentException("a form of " + words.get(0) + " with " + arguments
                    + " argument(s) is already registered");
        }
        forms.add(new Form(usage.trim(), arguments, restOfLine, handler));
        return this;
    }

    /** The answer to one line; empty for a blank line. Never fails. */
    Mono<ObjectNode> answer(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return Mono.empty();
        }
        String[] nameAndRest = trimmed.split("\\s+", 2);
        String name = nameAndRest[0];
        String argumentText = nameAndRest.length > 1 ? nameAndRest[1] : "";
        List<Form> forms = commands.get(name);
        if (forms == null) {
            return Mono.just(failure(name, "unknown command; known: " + String.join(", ", commands.keySet())));
        }
        for (Form form : forms) {
            List<String> args = form.match(argumentText);
            if (args != null) {
                return run(name, form, args);
            }
        }
        return Mono.just(failure(name, "usage: " + forms.stream().map(Form::usage)
                .collect(Collectors.joining(" | "))));
    }

    private Mono<ObjectNode> run(String name, Form form, List<String> args) {
        return Mono.defer(() -> form.handler().run(args))
                .timeout(timeout, Mono.error(() -> new TimeoutException("no answer within " + timeout.toSeconds()
                        + " s")))
                .defaultIfEmpty(Output.object())
                .map(fields -> {
                    ObjectNode answer = Output.object().put("cmd", name).put("ok", true);
                    answer.setAll(fields);
                    return answer;
                })
                .onErrorResume(e -> Mono.just(failure(name, Output.describe(e))));
    }

    private static ObjectNode failure(String name, String error) {
        return Output.object().put("cmd", name).put("ok", false).put("error", error);
    }
}
