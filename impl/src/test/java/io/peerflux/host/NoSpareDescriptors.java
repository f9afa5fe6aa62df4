package io.peerflux.host;

import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.security.SecureTransport;
import io.peerflux.transport.Transport;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.noise.Noise;
import io.peerflux.security.tls.Tls;
import io.peerflux.transport.memory.MemoryTransport;
import io.peerflux.transport.quic.Quic;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;

/**
 * Run in a JVM of its own, with few file descriptors, by {@link CryptoWarmUpTest}: takes every descriptor left, then
 * does what its argument says and prints one line per outcome.
 *
 * <ul>
 *   <li>{@code jce}: uses the JCE for the first time, then again once descriptors are free (the control: this JVM
 *       reproduces the failure the warm-up prevents);</li>
 *   <li>{@code noise}, {@code tls}: starts two hosts on the memory transport with that secure channel only, then,
 *       with no descriptor to spare, connects one to the other;</li>
 *   <li>{@code quic}: the same over QUIC on loopback, with exactly one descriptor freed, for the dialer's socket.</li>
 * </ul>
 */
public final class NoSpareDescriptors {

    static final Duration WAIT = Duration.ofSeconds(20);

    private NoSpareDescriptors() {
    }

    public static void main(String[] args) throws Exception {
        loadClassesFromDirectories();
        // The JDK's security properties and providers load here, before the descriptors are gone, as they do in
        // any host long before it starts (keys, the peer id): what is left for later is the JCE.
        MessageDigest.getInstance("SHA-256");
        if (args[0].equals("jce")) {
            jce();
        } else {
            connect(args[0]);
        }
    }

    private static void jce() throws IOException {
        List<FileChannel> taken = takeAll();
        System.out.println("first use: " + tryCipher());
        freeAll(taken);
        System.out.println("later use: " + tryCipher());
    }

    private static String tryCipher() {
        try {
            Cipher.getInstance("ChaCha20-Poly1305");
            return "ok";
        } catch (Throwable e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return "failed " + e + (root == e ? "" : ", caused by " + root);
        }
    }

    /**
     * Starts a listening host and a dialing one with only {@code security} (and QUIC, when asked), takes every
     * descriptor (but one, for QUIC's socket), then connects and echoes.
     */
    private static void connect(String kind) throws IOException {
        boolean quic = kind.equals("quic");
        SecureTransport security = kind.equals("tls") ? Tls.create() : Noise.create();
        Multiaddr listen = Multiaddr.of(quic ? "/ip4/127.0.0.1/udp/0/quic-v1" : "/memory/0");
        Transport transport = quic ? Quic.create() : MemoryTransport.create();
        Host server = started(Peerflux.host().transport(transport).security(security).muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler()).listen(listen));
        Host client = started(Peerflux.host().transport(transport).security(security).muxer(Yamux.create()));

        List<FileChannel> taken = takeAll();
        if (quic) {
            taken.remove(taken.size() - 1).close();
        }
        System.out.println(kind + ": " + echo(client, server.listenAddresses().get(0)
                .encapsulate(Multiaddr.of("/p2p/" + server.peerId()))));
        freeAll(taken);
        System.out.println("jce afterwards: " + tryCipher());
    }

    private static String echo(Host client, Multiaddr address) {
        try {
            Connection connection = client.connect(address).block(WAIT);
            return Echo.echo(connection, new byte[10_000], 1000).block(WAIT) == 10_000 ? "ok" : "short";
        } catch (Throwable e) {
            return "failed " + e;
        }
    }

    private static Host started(HostBuilder builder) {
        Host host = builder.build();
        host.start().block(WAIT);
        return host;
    }

    /**
     * Loads (without initializing) every class of the class path's directories, as a JVM does not need a descriptor
     * to load a class from a jar it has open: in the build, Peerflux's own classes are directories, where each class
     * loaded later would need one, and fail for want of it.
     */
    private static void loadClassesFromDirectories() throws IOException, ClassNotFoundException {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path root = Path.of(entry);
            if (!Files.isDirectory(root)) {
                continue;
            }
            List<String> names;
            try (var files = Files.walk(root)) {
                names = files.map(root::relativize).map(Path::toString).filter(n -> n.endsWith(".class"))
                        .map(n -> n.substring(0, n.length() - ".class".length()).replace(File.separatorChar, '.'))
                        .toList();
            }
            for (String name : names) {
                Class.forName(name, false, NoSpareDescriptors.class.getClassLoader());
            }
        }
    }

    /** Opens {@code /dev/null} until the process has no descriptor left. */
    private static List<FileChannel> takeAll() throws IOException {
        List<FileChannel> taken = new ArrayList<>();
        try {
            while (true) {
                taken.add(FileChannel.open(Path.of("/dev/null")));
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("Too many open files")) {
                throw e;
            }
        }
        return taken;
    }

    private static void freeAll(List<FileChannel> taken) throws IOException {
        for (FileChannel channel : taken) {
            channel.close();
        }
        taken.clear();
    }
}
