package io.peerflux.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ResourceLimitsTest {

    static final long MIB = 1 << 20;
    static final long GIB = 1 << 30;

    @Test
    void smallBudgetsGetTheBaseLimits() {
        ResourceLimits limits = ResourceLimits.scaled(64 * MIB, 256);
        assertThat(limits.system()).isEqualTo(new ScopeLimit(64, 128, 128, 1024, 2048, 2048, 128 * MIB, 128));
        assertThat(limits.transientScope().connsInbound()).isEqualTo(32);
        assertThat(limits.peer().connsInbound()).isEqualTo(8);
        assertThat(limits.peer().streamsInbound()).isEqualTo(256);
        assertThat(limits.peer().memory()).isEqualTo(64 * MIB);
        assertThat(limits.connection().memory()).isEqualTo(32 * MIB);
        assertThat(limits.connection().fds()).isEqualTo(1);
        assertThat(limits.ip()).isEqualTo(IpLimits.DEFAULTS);
    }

    @Test
    void limitsGrowWithTheBudget() {
        ResourceLimits limits = ResourceLimits.scaled(3 * GIB, 20_000);
        assertThat(limits.system()).isEqualTo(new ScopeLimit(64 + 192, 128 + 384, 128 + 384, 1024 + 3072,
                2048 + 6144, 2048 + 6144, 3 * GIB, 10_000));
        assertThat(limits.transientScope().connsInbound()).isEqualTo(32 + 48);
        assertThat(limits.transientScope().fds()).isEqualTo(2_500);
        assertThat(limits.peer().connsInbound()).isEqualTo(8);
        assertThat(limits.peer().streamsInbound()).isEqualTo(256 + 384);
        assertThat(limits.peer().memory()).isEqualTo(64 * MIB + 384 * MIB);
        assertThat(limits.connection().memory()).isEqualTo(96 * MIB);
        assertThat(limits.protocolDefault().streamsInbound()).isEqualTo(512 + 768);
    }

    @Test
    void autoscaledUsesTheJvmLimits() {
        ResourceLimits limits = ResourceLimits.autoscaled();
        long budget = Math.min(Runtime.getRuntime().maxMemory(),
                io.netty.util.internal.PlatformDependent.maxDirectMemory()) / 2;
        assertThat(limits.system().memory()).isEqualTo(Math.max(128 * MIB, budget));
        assertThat(limits.system().fds()).isEqualTo((int) Math.max(16, ResourceLimits.maxFileDescriptors() / 2));
    }

    @Test
    void protocolsHaveTheirOwnLimitsOrTheDefault() {
        ScopeLimit echo = ScopeLimit.UNLIMITED.withStreams(1, 1, 1);
        ResourceLimits limits = ResourceLimits.scaled(0, 256).withProtocol("/echo/1.0.0", echo);
        assertThat(limits.protocol("/echo/1.0.0")).isEqualTo(echo);
        assertThat(limits.protocol("/other")).isEqualTo(limits.protocolDefault());
    }

    @Test
    void prefixesParseFromCidrAndMultiaddrs() throws Exception {
        IpPrefix net = IpPrefix.parse("192.0.2.77/24");
        assertThat(net.toString()).isEqualTo("192.0.2.0/24");
        assertThat(net.contains(InetAddress.getByName("192.0.2.1"))).isTrue();
        assertThat(net.contains(InetAddress.getByName("192.0.3.1"))).isFalse();
        assertThat(IpPrefix.parse("/ip4/10.1.0.0/ipcidr/16").contains(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(IpPrefix.parse("/ip6/2001:db8::1").length()).isEqualTo(128);
        IpPrefix v6 = IpPrefix.parse("2001:db8:aa:bb00::/56");
        assertThat(v6.contains(InetAddress.getByName("2001:db8:aa:bbff::1"))).isTrue();
        assertThat(v6.contains(InetAddress.getByName("2001:db8:aa:bc00::1"))).isFalse();
        assertThat(v6.contains(InetAddress.getByName("192.0.2.1"))).isFalse();
        assertThatThrownBy(() -> IpPrefix.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negativeLimitsAreRejected() {
        assertThatThrownBy(() -> ScopeLimit.UNLIMITED.withMemory(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpLimits.DEFAULTS.withConns(0, 8)).isInstanceOf(IllegalArgumentException.class);
    }
}
