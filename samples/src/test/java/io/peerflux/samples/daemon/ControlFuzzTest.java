package io.peerflux.samples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.samples.daemon.pb.DaemonProtos.Request;
import io.peerflux.samples.daemon.pb.DaemonProtos.Response;
import io.peerflux.testing.TestHosts;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random bytes on the control socket: whatever a client sends, the daemon answers only with well-formed responses
 * (OK or ERROR), ends that connection once the client has finished, and goes on serving others.
 */
class ControlFuzzTest {

    static Host host;
    static ControlServer control;

    @BeforeContainer
    static void start() {
        host = TestHosts.tcp();
        control = ControlServer.start(host, Multiaddr.of("/ip4/127.0.0.1/tcp/0")).block(Duration.ofSeconds(20));
    }

    @AfterContainer
    static void stop() {
        control.close().block(Duration.ofSeconds(20));
        host.stop().block(Duration.ofSeconds(20));
    }

    @Property(tries = 200)
    void randomInputGetsWellFormedAnswersAndAnEnd(@ForAll @Size(max = 4) List<@Size(max = 120) byte[]> writes)
            throws IOException {
        try (ControlClient client = ControlClient.connect(ControlAddress.toSocketAddress(control.address()))) {
            try {
                for (byte[] bytes : writes) {
                    client.sendRaw(bytes);
                }
                client.shutdownOutput();
            } catch (IOException closedEarly) {
                // The daemon may end the connection after the first bad frame; its answer is still readable.
            }
            for (Response response; (response = Response.parseDelimitedFrom(client.in)) != null; ) {
                assertThat(response.getType()).isIn(Response.Type.OK, Response.Type.ERROR);
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            // Only a STREAM_OPEN that succeeded could be followed by raw stream bytes; random peers never connect.
            throw new AssertionError("the daemon wrote something that is not a Response", e);
        }
        try (ControlClient client = ControlClient.connect(ControlAddress.toSocketAddress(control.address()))) {
            assertThat(client.send(Request.newBuilder().setType(Request.Type.IDENTIFY).build()).response().getType())
                    .isEqualTo(Response.Type.OK);
        }
    }
}
