package io.peerflux.mux.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class YamuxConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        YamuxConfig config = YamuxConfig.defaults();
        assertThat(config.maxReceiveWindow()).isEqualTo(16 << 20);
        assertThat(config.maxConnectionReceiveWindow()).isEqualTo(64 << 20);
        assertThat(config.maxInboundStreams()).isEqualTo(1000);
        assertThat(config.maxOutboundStreams()).isEqualTo(1000);
        assertThat(config.maxQueuedWriteBytes()).isEqualTo(64 * 1024);
        assertThat(config.keepAliveInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void withersCopyAndValidate() {
        YamuxConfig changed = YamuxConfig.defaults().withMaxConnectionReceiveWindow(1 << 20).withMaxInboundStreams(4);
        assertThat(changed.maxConnectionReceiveWindow()).isEqualTo(1 << 20);
        assertThat(changed.maxInboundStreams()).isEqualTo(4);
        assertThat(changed.maxReceiveWindow()).isEqualTo(16 << 20);
        assertThat(YamuxConfig.defaults().maxConnectionReceiveWindow()).isEqualTo(64 << 20);
        assertThatThrownBy(() -> YamuxConfig.defaults().withMaxReceiveWindow(YamuxConfig.INITIAL_WINDOW - 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> YamuxConfig.defaults().withMaxConnectionReceiveWindow(YamuxConfig.INITIAL_WINDOW - 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> YamuxConfig.defaults().withKeepAliveInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
