package io.peerflux.host;

import io.peerflux.Connection;
import io.peerflux.ConnectionGatedException;
import io.peerflux.ConnectionGater;
import io.peerflux.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** A {@link ConnectionGater} as an {@link UpgradeStep}: a refusal fails the stage with a typed error. */
final class GaterStep implements UpgradeStep {

    private static final Logger log = LoggerFactory.getLogger(GaterStep.class);

    private final ConnectionGater gater;

    GaterStep(ConnectionGater gater) {
        this.gater = gater;
    }

    @Override
    public Mono<Dial> dial(Mono<Dial> dial) {
        return dial.flatMap(d -> gater.allowDial(d.peer(), d.address()) ? Mono.just(d)
                : refused(ConnectionGatedException.Stage.DIAL, d.peer() == null ? d.address()
                        : d.peer() + " at " + d.address()));
    }

    @Override
    public Mono<Raw> raw(Mono<Raw> raw) {
        return raw.flatMap(r -> r.direction() == Direction.OUTBOUND
                || gater.allowAccept(r.localAddress(), r.remoteAddress()) ? Mono.just(r)
                : refused(ConnectionGatedException.Stage.ACCEPT, "connection from " + r.remoteAddress()));
    }

    @Override
    public Mono<Secured> secured(Mono<Secured> secured) {
        return secured.flatMap(s -> gater.allowSecured(s.raw().direction(), s.remotePeer(), s.raw().remoteAddress())
                ? Mono.just(s)
                : refused(ConnectionGatedException.Stage.SECURED, s.raw().direction().name().toLowerCase()
                        + " connection with " + s.remotePeer() + " at " + s.raw().remoteAddress()));
    }

    @Override
    public Mono<Connection> upgraded(Mono<Connection> connection) {
        return connection.flatMap(c -> gater.allowUpgraded(c) ? Mono.just(c)
                : refused(ConnectionGatedException.Stage.UPGRADED, c));
    }

    private static <T> Mono<T> refused(ConnectionGatedException.Stage stage, Object what) {
        ConnectionGatedException refusal = ConnectionGatedException.refused(stage, what);
        log.debug("{}", refusal.getMessage());
        return Mono.error(refusal);
    }
}
