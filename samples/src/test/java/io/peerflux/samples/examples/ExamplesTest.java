package io.peerflux.samples.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The docs' examples run and print what the docs say they print. */
class ExamplesTest {

    @Test
    void dhtExampleFindsProviderValueAndPeer() {
        String out = capture(() -> DhtExample.main(new String[0]));
        assertThat(out).contains("provider found: ", "value found: hello", "peer found: ");
    }

    @Test
    void gaterExampleRefusesTheStrangerAndTheCarefulDial() {
        String out = capture(() -> GaterExample.main(new String[0]));
        assertThat(out).contains("secured: INBOUND connection from ", "friend echoed 5 bytes",
                "stranger's connection closed by the server", "careful's own gater refused the dial at DIAL");
    }

    @Test
    void pubsubExampleCarriesAMessageThroughTheMiddleHost() {
        String out = capture(() -> {
            try {
                PubsubExample.main(new String[0]);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(out).contains("published ", "c received: hello, pubsub (forwarded by b)");
    }

    static String capture(Runnable main) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(original);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        original.print(out);
        return out;
    }
}
