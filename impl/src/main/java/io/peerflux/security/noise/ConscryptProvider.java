package io.peerflux.security.noise;

import java.security.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conscrypt's (BoringSSL) provider when its optional jar is on the class path and its native library loads here.
 * It is used as a {@link Provider} instance only, never registered with {@link java.security.Security}, so nothing
 * else in the JVM changes. Loading extracts and loads a native library (file I/O), so the first call belongs where a
 * host is built, never on an event loop.
 */
final class ConscryptProvider {

    static final String NAME = "Conscrypt";

    private static final Logger log = LoggerFactory.getLogger(ConscryptProvider.class);

    private ConscryptProvider() {
    }

    /** The provider, or {@code null} when Conscrypt is absent or cannot load on this platform. */
    static Provider orNull() {
        return Holder.PROVIDER;
    }

    /** The provider, or an exception saying why there is none. */
    static Provider required() {
        Provider provider = Holder.PROVIDER;
        if (provider == null) {
            throw new IllegalStateException("Conscrypt is not on the class path or cannot load on this platform");
        }
        return provider;
    }

    private static final class Holder {

        static final Provider PROVIDER = load();

        private static Provider load() {
            try {
                org.conscrypt.Conscrypt.checkAvailability();
                return org.conscrypt.Conscrypt.newProvider();
            } catch (LinkageError unavailable) {
                log.debug("Conscrypt unavailable: {}", unavailable.toString());
                return null;
            }
        }
    }
}
