package io.peerflux;

import org.reactivestreams.Publisher;

/**
 * Serves inbound streams of one protocol. The stream is half-closed when the returned publisher completes and
 * reset when it fails.
 */
@FunctionalInterface
public interface StreamHandler {

    Publisher<Void> handle(Stream stream);
}
