/**
 * Resolution of {@code /dnsaddr} multiaddrs, per multiformats/multiaddr
 * <a href="https://github.com/multiformats/multiaddr/blob/master/protocols/DNSADDR.md">protocols/DNSADDR.md</a>:
 * {@code /dnsaddr/<host>} names the TXT records of {@code _dnsaddr.<host>}, each {@code dnsaddr=<multiaddr>} is a
 * candidate, candidates must end with whatever followed the {@code /dnsaddr} component (typically {@code /p2p/<id>}),
 * and nested {@code /dnsaddr} candidates are resolved the same way. Used to find DHT bootstrap peers.
 */
package io.peerflux.dns;
