package io.peerflux.multistream;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.NegotiationException;
import java.util.function.Consumer;

/**
 * Tells the kinds of {@link NegotiationException} apart. The exception has no accessor for its kind yet, so tests
 * match the fixed text each factory writes; production code never does.
 */
final class Failures {

    private Failures() {
    }

    static Consumer<Throwable> notSupported() {
        return kind("remote supports none of");
    }

    static Consumer<Throwable> malformed() {
        return kind("malformed multistream message");
    }

    static Consumer<Throwable> timeout() {
        return kind("timed out");
    }

    static Consumer<Throwable> closed() {
        return kind("closed during negotiation");
    }

    private static Consumer<Throwable> kind(String text) {
        return error -> assertThat(error).isInstanceOf(NegotiationException.class).hasMessageContaining(text);
    }
}
