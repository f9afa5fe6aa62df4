/**
 * The resource manager: the scope tree (system → transient → peer / protocol → connection → stream), the
 * per-network limiter of inbound connections, and the rate-limited log of refusals. The host reserves connections
 * and file descriptors; muxers reserve streams and their buffers through the {@link
 * io.peerflux.resource.ConnectionResources} the host attaches to each connection's channel.
 */
package io.peerflux.resource;
