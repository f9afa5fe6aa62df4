package io.peerflux.samples.daemon;

import com.google.protobuf.MessageLite;
import io.peerflux.samples.daemon.pb.DaemonProtos.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/** A blocking control client for tests: varint-delimited messages over TCP or a unix socket. */
final class ControlClient implements AutoCloseable {

    private final SocketChannel channel;
    private final Socket socket;
    final InputStream in;
    final OutputStream out;

    private ControlClient(SocketChannel channel, Socket socket, InputStream in, OutputStream out) {
        this.channel = channel;
        this.socket = socket;
        this.in = in;
        this.out = out;
    }

    static ControlClient connect(SocketAddress address) throws IOException {
        if (address instanceof InetSocketAddress inet) {
            Socket socket = new Socket(inet.getAddress(), inet.getPort());
            socket.setSoTimeout(20_000);
            return new ControlClient(null, socket, socket.getInputStream(), socket.getOutputStream());
        }
        String path = ((io.netty.channel.unix.DomainSocketAddress) address).path();
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(path));
        return new ControlClient(channel, null, Channels.newInputStream(channel), Channels.newOutputStream(channel));
    }

    ControlClient send(MessageLite message) throws IOException {
        message.writeDelimitedTo(out);
        out.flush();
        return this;
    }

    ControlClient sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    Response response() throws IOException {
        Response response = Response.parseDelimitedFrom(in);
        if (response == null) {
            throw new IOException("the daemon closed the connection instead of answering");
        }
        return response;
    }

    /** Reads until the daemon closes its side; returns what was read. */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    void shutdownOutput() throws IOException {
        if (socket != null) {
            socket.shutdownOutput();
        } else {
            channel.shutdownOutput();
        }
    }

    /** Closes abruptly: a TCP reset instead of an orderly close. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        } else {
            channel.close();
        }
    }
}
