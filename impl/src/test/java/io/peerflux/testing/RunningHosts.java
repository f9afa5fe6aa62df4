package io.peerflux.testing;

import io.peerflux.Host;
import io.peerflux.host.HostBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The hosts a test starts, stopped after it, so that tests do not each keep their own list:
 * {@code @RegisterExtension final RunningHosts hosts = new RunningHosts();}.
 */
public final class RunningHosts implements AfterEachCallback {

    private static final Duration STOP = Duration.ofSeconds(20);

    private final List<Host> hosts = new CopyOnWriteArrayList<>();

    /** A started TCP echo host ({@link TestHosts#tcp(UnaryOperator)}), stopped after the test. */
    public Host tcp(UnaryOperator<HostBuilder> customize) {
        Host host = TestHosts.tcp(customize);
        hosts.add(host);
        return host;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        hosts.forEach(h -> h.stop().block(STOP));
        hosts.clear();
    }
}
