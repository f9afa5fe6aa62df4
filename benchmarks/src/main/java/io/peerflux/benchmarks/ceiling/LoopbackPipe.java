package io.peerflux.benchmarks.ceiling;

import io.peerflux.security.noise.NoiseCipher;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One blocking {@code java.nio} TCP connection on loopback: a sender thread writes records (a 4-byte length, then the
 * record), the calling thread reads them. Records carry up to {@value #RECORD} bytes of data, Noise's largest
 * plaintext, so an encrypted record is exactly as long as a full Noise transport message. Encrypted, each record is
 * sealed into the frame it is sent from and opened into a separate buffer, one cipher per direction as in Noise.
 * All buffers are direct and reused, as Netty's pooled I/O buffers are.
 */
final class LoopbackPipe implements Ceiling.Pipe {

    static final int RECORD = 65519;
    private static final int HEADER = Integer.BYTES;

    private final SocketChannel sending;
    private final SocketChannel receiving;
    private final NoiseCipher sealer;
    private final NoiseCipher opener;
    private final int overhead;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(run -> {
        Thread thread = new Thread(run, "sender");
        thread.setDaemon(true);
        return thread;
    });

    private final ByteBuffer data = ByteBuffer.allocateDirect(RECORD);
    private final ByteBuffer frame;
    private final ByteBuffer header = ByteBuffer.allocateDirect(HEADER);
    private final ByteBuffer body;
    private final ByteBuffer opened = ByteBuffer.allocateDirect(RECORD);
    private long sealNonce;
    private long openNonce;

    LoopbackPipe(boolean encrypted) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            sending = SocketChannel.open(server.getLocalAddress());
            receiving = server.accept();
        }
        byte[] random = new byte[RECORD];
        SecureRandom rng = new SecureRandom();
        rng.nextBytes(random);
        data.put(random).clear();
        if (encrypted) {
            byte[] key = new byte[32];
            rng.nextBytes(key);
            sealer = NoiseCipher.create(key);
            opener = NoiseCipher.create(key);
            overhead = NoiseCipher.TAG_LENGTH;
        } else {
            sealer = null;
            opener = null;
            overhead = 0;
        }
        frame = ByteBuffer.allocateDirect(HEADER + RECORD + overhead);
        body = ByteBuffer.allocateDirect(RECORD + overhead);
    }

    @Override
    public void transfer(long bytes) throws Exception {
        Future<?> sent = sender.submit(() -> {
            send(bytes);
            return null;
        });
        receive(bytes);
        sent.get();
    }

    private void send(long bytes) throws Exception {
        for (long left = bytes; left > 0; ) {
            int length = (int) Math.min(RECORD, left);
            data.clear().limit(length);
            frame.clear().putInt(length + overhead);
            if (sealer != null) {
                sealer.encrypt(sealNonce++, data, frame);
                writeFully(frame.flip());
            } else {
                frame.flip();
                ByteBuffer[] parts = {frame, data};
                while (data.hasRemaining()) {
                    sending.write(parts);
                }
            }
            left -= length;
        }
    }

    private void receive(long bytes) throws Exception {
        for (long left = bytes; left > 0; ) {
            readFully(header.clear());
            int length = header.getInt(0);
            if (length < overhead || length > body.capacity()) {
                throw new IOException("bad record length " + length);
            }
            readFully(body.clear().limit(length));
            if (opener != null) {
                opener.decrypt(openNonce++, body.flip(), opened.clear());
            }
            left -= length - overhead;
        }
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            sending.write(buffer);
        }
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (receiving.read(buffer) < 0) {
                throw new EOFException("sender closed the connection");
            }
        }
    }

    @Override
    public void close() throws IOException {
        sender.shutdownNow();
        sending.close();
        receiving.close();
    }
}
