/** The transport contract: dial and listen produce raw connections that the host upgrades. */
package io.peerflux.transport;
