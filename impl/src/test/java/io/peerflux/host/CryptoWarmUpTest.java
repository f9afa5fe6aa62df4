package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.security.SecureTransport;
import io.peerflux.security.noise.Noise;
import io.peerflux.security.plaintext.Plaintext;
import io.peerflux.security.tls.Tls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crypto warm-up of {@code Host.start()}: a JVM whose first handshake runs without a spare file descriptor is
 * broken for good (the control), and one whose hosts started first handshakes fine with none.
 */
class CryptoWarmUpTest {

    /** Descriptors the child JVM may open: enough to start, few enough to take all of them quickly. */
    static final int DESCRIPTORS = 1024;

    @Test
    void everySecureChannelHandshakesWithItselfInMemory() {
        PrivateKey identity = PrivateKey.generateEd25519();
        for (SecureTransport security : List.of(Noise.create(), Tls.create(), Plaintext.create())) {
            CryptoWarmUp.handshake(security, identity, List.of("/yamux/1.0.0"));
        }
    }

    @Test
    void theJceUsedFirstWithoutASpareDescriptorStaysBroken() throws Exception {
        List<String> out = child("jce");
        assertThat(out).anySatisfy(line -> assertThat(line).startsWith("first use: failed")
                .contains("Too many open files"));
        assertThat(out).anySatisfy(line -> assertThat(line).startsWith("later use: failed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"noise", "tls JDK", "tls OpenSSL", "quic"})
    void afterStartAHandshakeNeedsNoSpareDescriptor(String setup) throws Exception {
        String[] parts = setup.split(" ");
        List<String> out = parts.length == 1 ? child(parts[0])
                : child(parts[0], "-Dpeerflux.tls.provider=" + parts[1]);
        assertThat(out).contains(parts[0] + ": ok", "jce afterwards: ok");
    }

    /** Runs {@link NoSpareDescriptors} in a fresh JVM limited to {@link #DESCRIPTORS}; its output lines. */
    static List<String> child(String mode, String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                "ulimit -n " + DESCRIPTORS + " && exec \"$@\"", "child",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The JVM raises its descriptor limit to the hard one unless told not to.
                "-XX:-MaxFDLimit", "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of(NoSpareDescriptors.class.getName(), mode));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(process.exitValue()).as(text).isZero();
        return text.lines().toList();
    }
}
