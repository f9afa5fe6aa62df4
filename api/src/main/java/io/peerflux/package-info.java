/**
 * What applications program against: {@link io.peerflux.Host}, {@link io.peerflux.Connection},
 * {@link io.peerflux.Stream} and the typed errors every operator signals.
 */
package io.peerflux;
