package io.peerflux.faultlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/** A {@link FaultPeer} process as a test drives it: its peer id, its addresses, its commands and events. */
final class LabPeer implements AutoCloseable {

    private final LabProcess process;
    private final String transport;
    private final String peerId;

    LabPeer(LabProcess process, String transport) {
        this.process = process;
        this.transport = transport;
        LabProcess.Line ready = process.await("ready ", Duration.ofSeconds(60));
        String[] words = ready.words(4);
        this.peerId = words[1];
        // The peer runs under the test JVM's guards, or its results would prove less than the tests claim.
        assertThat(words[2]).as("leak detection in %s", process.name()).isEqualTo("leak=PARANOID");
        assertThat(words[3]).as("BlockHound in %s", process.name()).isEqualTo("blockhound=on");
    }

    LabProcess process() {
        return process;
    }

    String peerId() {
        return peerId;
    }

    /** This peer's listening address on {@code ip}, for its transport, with {@code /p2p}. */
    String address(String ip) {
        return (transport.equals("tcp") ? "/ip4/" + ip + "/tcp/" + FaultPeer.PORT
                : "/ip4/" + ip + "/udp/" + FaultPeer.PORT + "/quic-v1") + "/p2p/" + peerId;
    }

    void upload(String id, String address, long bytes, long seed, long rate) {
        process.send("upload " + id + " " + address + " " + bytes + " " + seed + " " + rate);
    }

    void download(String id, String address, long bytes, long seed, long rate) {
        process.send("download " + id + " " + address + " " + bytes + " " + seed + " " + rate);
    }

    void dial(String id, String address) {
        process.send("dial " + id + " " + address);
    }

    LabProcess.Line await(String prefix, Duration timeout) {
        return process.await(prefix, timeout);
    }

    /** Waits until {@code label} (e.g. {@code upload-progress u1}) reports at least {@code bytes}. */
    LabProcess.Line awaitProgress(String label, long bytes, Duration timeout) {
        return process.await(l -> l.text().startsWith(label + " ")
                && Long.parseLong(l.text().substring(label.length() + 1)) >= bytes, label + " >= " + bytes, timeout);
    }

    /**
     * Waits for the failure line starting with {@code prefix} (an {@code upload-failed}, {@code download-failed},
     * {@code sink-failed} or {@code source-failed}) and checks that it came no later than {@code bound} after
     * {@code startNanos} and reports a {@link io.peerflux.StreamResetException}: a typed error, in time.
     *
     * @return the milliseconds from {@code startNanos} to the failure
     */
    long awaitStreamReset(String prefix, long startNanos, Duration bound) {
        LabProcess.Line line = process.await(prefix, bound.plusSeconds(30));
        long millis = line.millisAfter(startNanos);
        String chain = line.words(5)[4];
        assertThat(chain).as("%s: %s", process.name(), line.text()).startsWith("io.peerflux.StreamResetException:");
        assertThat(millis).as("ms from the fault to '%s' (bound %s)", line.text(), bound)
                .isLessThanOrEqualTo(bound.toMillis());
        return millis;
    }

    /**
     * Uploads {@code bytes} of a fresh seed to {@code address} and checks that they arrived intact: the SHA-256 this
     * peer sent, the one the sink sent back and the one computed here from the seed are equal.
     */
    void uploadIntact(String id, String address, long bytes, Duration timeout) {
        long seed = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        upload(id, address, bytes, seed, 0);
        String[] done = process.await(l -> l.text().startsWith("upload-done " + id + " ")
                || l.text().startsWith("upload-failed " + id + " "), "upload " + id + " ends", timeout).words(7);
        assertThat(done[0]).as("%s: %s", process.name(), String.join(" ", done)).isEqualTo("upload-done");
        String expected = SeededBytes.expected(seed, bytes);
        assertThat(done[3] + " " + done[4]).as("bytes and SHA-256 sent").isEqualTo(bytes + " " + expected);
        assertThat(done[5] + " " + done[6]).as("bytes and SHA-256 the sink received").isEqualTo(bytes + " " + expected);
    }

    void kill() throws InterruptedException {
        process.kill();
    }

    /**
     * Stops the peer and checks it ended clean: no leaked buffer, no blocking call on a non-blocking thread, exit
     * status 0.
     */
    void finishClean() throws InterruptedException {
        int status = process.finish(Duration.ofSeconds(60));
        assertThat(process.find("leaks ")).as("%s reports leaks; output:\n%s", process.name(), process.output())
                .isNotNull();
        assertThat(process.find("leaks ").text()).as(process.name()).isEqualTo("leaks 0");
        assertThat(process.find("blocking ").text()).as(process.name()).isEqualTo("blocking 0");
        assertThat(status).as("%s exit status", process.name()).isZero();
    }

    @Override
    public void close() {
        process.close();
    }
}
