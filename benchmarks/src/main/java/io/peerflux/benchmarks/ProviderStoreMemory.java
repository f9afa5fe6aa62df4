package io.peerflux.benchmarks;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.kad.ProviderStore;
import io.peerflux.multiformats.Multihash;
import io.peerflux.peer.PeerId;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Heap held by a DHT server's provider records: fills a {@link ProviderStore} with {@code records} records (keys
 * are sha2-256 multihashes, each with {@code perKey} providers drawn from {@code peers} distinct peer ids) and
 * prints the heap in use after a full collection, before and after, and the bytes per record.
 *
 * <pre>java -Xmx1g -cp benchmarks/target/benchmarks.jar io.peerflux.benchmarks.ProviderStoreMemory [records] [perKey] [peers]</pre>
 */
public final class ProviderStoreMemory {

    private ProviderStoreMemory() {}

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int perKey = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int peerCount = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        PeerId[] peers = new PeerId[peerCount];
        for (int i = 0; i < peerCount; i++) {
            peers[i] = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
        }
        long now = System.currentTimeMillis() * 1_000_000L;
        long before = usedHeap();
        ProviderStore store = new ProviderStore(records, Math.max(perKey, 1), Duration.ofHours(48).toNanos());
        int keys = records / perKey;
        for (int k = 0; k < keys; k++) {
            byte[] key = Multihash.sha256(ByteBuffer.allocate(4).putInt(k).array()).bytes();
            for (int j = 0; j < perKey; j++) {
                store.add(key, peers[(k * perKey + j) % peerCount], now);
            }
        }
        long after = usedHeap();
        long held = after - before;
        System.out.printf("%,d provider records (%,d keys x %d, %,d distinct providers): %,d bytes of heap,"
                        + " %.1f bytes per record%n", store.size(), store.keys(), perKey, peerCount, held,
                (double) held / store.size());
        if (store.size() != records) {
            throw new IllegalStateException("stored " + store.size() + " of " + records);
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
