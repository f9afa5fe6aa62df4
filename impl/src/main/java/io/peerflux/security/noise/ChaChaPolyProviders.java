package io.peerflux.security.noise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses, once per JVM, the security provider whose ChaCha20-Poly1305 {@link JcaChaChaPolyCipher} uses.
 *
 * <p>Measured with 64 KiB records on one core of an x86_64 machine with AVX-512 IFMA: SunJCE 0.29 GB/s on JDK 17 and
 * 3.1 GB/s on JDK 25, Conscrypt (BoringSSL) 2.3 GB/s on either, BouncyCastle 0.2 GB/s. SunJCE is fast only where
 * HotSpot has intrinsics for both ChaCha20 (JDK 20+) and Poly1305, and the Poly1305 one needs JDK 21+ on aarch64,
 * JDK 20+ with AVX-512 IFMA or JDK 23+ with AVX-IFMA on x86_64. The rule, in order:
 * <ol>
 *   <li>the system property {@value #PROPERTY} ({@code SunJCE} or {@code Conscrypt}) names the provider, for
 *       benchmarks; a named provider that cannot be used is an error, not a silent fallback;</li>
 *   <li>SunJCE when this JVM and CPU have both intrinsics, as above;</li>
 *   <li>Conscrypt when its (optional) jar is on the class path and its native library loads for this platform;</li>
 *   <li>SunJCE.</li>
 * </ol>
 * {@link Noise}'s constructor triggers the choice, so that loading Conscrypt happens where a host is built.
 */
final class ChaChaPolyProviders {

    /** System property that overrides the choice: {@code SunJCE} or {@code Conscrypt}. */
    static final String PROPERTY = "peerflux.chacha.provider";
    static final String SUN_JCE = "SunJCE";
    static final String CONSCRYPT = ConscryptProvider.NAME;

    private static final Logger log = LoggerFactory.getLogger(ChaChaPolyProviders.class);
    private static final Provider SELECTED = select();

    private ChaChaPolyProviders() {
    }

    /** The provider chosen for this JVM. */
    static Provider selected() {
        return SELECTED;
    }

    /**
     * The provider for messages of at most {@link ShortMessageCipher#MAX_MESSAGE} bytes, or {@code null} for the
     * {@linkplain #selected() selected} one: Conscrypt when it loads, unless {@value #PROPERTY} names SunJCE.
     */
    static Provider forShortMessages() {
        return SUN_JCE.equalsIgnoreCase(System.getProperty(PROPERTY)) ? null : ConscryptProvider.orNull();
    }

    /** The provider called {@code name} ({@code SunJCE} or {@code Conscrypt}), or an exception saying why not. */
    static Provider named(String name) {
        if (SUN_JCE.equalsIgnoreCase(name)) {
            return sunJce();
        }
        if (CONSCRYPT.equalsIgnoreCase(name)) {
            return ConscryptProvider.required();
        }
        throw new IllegalArgumentException(PROPERTY + " must be " + SUN_JCE + " or " + CONSCRYPT + ": " + name);
    }

    private static Provider select() {
        String override = System.getProperty(PROPERTY);
        Provider provider;
        if (override != null) {
            provider = named(override);
        } else if (sunJceIntrinsified()) {
            provider = sunJce();
        } else {
            Provider conscrypt = ConscryptProvider.orNull();
            provider = conscrypt != null ? conscrypt : sunJce();
        }
        log.debug("ChaCha20-Poly1305 from {}", provider.getName());
        return provider;
    }

    private static Provider sunJce() {
        Provider sunJce = Security.getProvider(SUN_JCE);
        if (sunJce == null) {
            throw new IllegalStateException("the JDK has no " + SUN_JCE + " provider");
        }
        return sunJce;
    }

    /**
     * Whether HotSpot here has ChaCha20 and Poly1305 intrinsics, from the JDK version and CPU: the VM's own flags
     * (UseChaCha20Intrinsics, UsePoly1305Intrinsics) are diagnostic ones, which the management API does not show.
     */
    private static boolean sunJceIntrinsified() {
        int feature = Runtime.version().feature();
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("aarch64")) {
            return feature >= 21;
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return false;
        }
        String flags = cpuFlags();
        return feature >= 20 && flags.contains(" avx512ifma ") || feature >= 23 && flags.contains(" avx_ifma ");
    }

    /** The CPU's feature flags as {@code " flag flag … "}, or empty where Linux's /proc/cpuinfo is not readable. */
    private static String cpuFlags() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> " " + line.substring(line.indexOf(':') + 1).trim().toLowerCase(Locale.ROOT) + " ")
                    .orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
