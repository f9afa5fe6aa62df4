package io.peerflux.benchmarks.ceiling;

/** The bare TCP ceiling: length-prefixed 64 KiB records over one loopback connection, no crypto. */
public final class TcpPipe {

    private TcpPipe() {
    }

    public static void main(String[] args) throws Exception {
        Ceiling.run("TcpPipe", args, () -> new LoopbackPipe(false));
    }
}
