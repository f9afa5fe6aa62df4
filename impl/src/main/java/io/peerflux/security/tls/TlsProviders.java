package io.peerflux.security.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses, once per JVM, the TLS engine that {@link Tls} uses: BoringSSL through Netty's OpenSSL engine (AES-GCM with
 * the CPU's AES instructions, several times the JDK's throughput), or the JDK's {@code SSLEngine}. The rule, in order:
 * <ol>
 *   <li>the system property {@value #PROPERTY} ({@code JDK} or {@code OpenSSL}) names the engine, for benchmarks and
 *       tests; a named engine that cannot be used is an error, not a silent fallback;</li>
 *   <li>OpenSSL when netty-tcnative's native library loads for this platform and offers TLS 1.3;</li>
 *   <li>the JDK.</li>
 * </ol>
 * Loading the native library extracts it to a temporary file (file I/O): {@link Tls}'s constructor triggers the
 * choice so that this happens where a host is built, never on an event loop.
 */
final class TlsProviders {

    /** System property that overrides the choice: {@code JDK} or {@code OpenSSL}. */
    static final String PROPERTY = "peerflux.tls.provider";
    static final String JDK = "JDK";
    static final String OPENSSL = "OpenSSL";

    private static final Logger log = LoggerFactory.getLogger(TlsProviders.class);
    private static final SslProvider SELECTED = select();

    private TlsProviders() {
    }

    /** The engine chosen for this JVM. */
    static SslProvider selected() {
        return SELECTED;
    }

    /** Whether BoringSSL (or OpenSSL) is loaded and offers TLS 1.3. */
    static boolean openSslUsable() {
        return OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL);
    }

    /** The engine called {@code name} ({@code JDK} or {@code OpenSSL}), or an exception saying why not. */
    static SslProvider named(String name) {
        if (JDK.equalsIgnoreCase(name)) {
            return SslProvider.JDK;
        }
        if (OPENSSL.equalsIgnoreCase(name)) {
            if (!openSslUsable()) {
                throw new IllegalStateException("netty-tcnative cannot load on this platform or lacks TLS 1.3",
                        OpenSsl.unavailabilityCause());
            }
            return SslProvider.OPENSSL;
        }
        throw new IllegalArgumentException(PROPERTY + " must be " + JDK + " or " + OPENSSL + ": " + name);
    }

    private static SslProvider select() {
        String override = System.getProperty(PROPERTY);
        SslProvider provider;
        if (override != null) {
            provider = named(override);
        } else {
            provider = openSslUsable() ? SslProvider.OPENSSL : SslProvider.JDK;
        }
        if (provider == SslProvider.OPENSSL) {
            log.debug("TLS on {}", OpenSsl.versionString());
        } else {
            log.debug("TLS on the JDK's SSLEngine{}", override != null ? "" : "; OpenSSL unavailable: "
                    + OpenSsl.unavailabilityCause());
        }
        return provider;
    }
}
