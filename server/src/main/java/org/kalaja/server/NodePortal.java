package org.kalaja.server;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.kalaja.engine.shipping.ShippingStatus;
import org.kalaja.ledger.Note;
import org.kalaja.portal.Portal;
import org.kalaja.portal.PortalConfig;
import org.kalaja.portal.seal.CheckpointSource;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.PortalWatch;
import org.kalaja.portal.web.StatusSource;
import org.kalaja.sentinel.Admission;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.ContainedException;
import org.kalaja.sentinel.Outcome;
import org.kalaja.sentinel.SentinelStatus;

/**
 * The portal as this node runs it: its writes and sign-ins go through the node's sentinel, its documents
 * are proved against the checkpoint the witnesses cosigned, and its status page reads the shipper.
 */
final class NodePortal {
    private NodePortal() {
    }

    static Portal open(Node node, PortalConfig config) {
        return Portal.open(config, node.engine(), node.log(), new Watch(node), checkpoints(node), status(node), Clock.systemUTC());
    }

    /** The sentinel admits portal writes like API writes; a contained person or a node in safe mode is refused. */
    private record Watch(Node node) implements PortalWatch {
        @Override
        public Ticket admit(AuditEvent event) {
            try {
                return new Ticket(event, node.sentinel().sentinel().admit(event));
            } catch (ContainedException e) {
                node.sentinel().refused(event, Audited.code(e));
                throw new PortalException(e.kind() == ContainedException.Kind.SAFE_MODE ? PortalException.Kind.SAFE_MODE
                        : PortalException.Kind.CONTAINED, e.detail(), e);
            }
        }

        @Override
        public void completed(Ticket ticket, long index, long version) {
            node.sentinel().sentinel().complete((Admission) ticket.handle(), Outcome.SUCCESS, "", index, version);
        }

        @Override
        public void failed(Ticket ticket, String reason) {
            node.sentinel().sentinel().complete((Admission) ticket.handle(), Outcome.FAILURE, reason, -1, -1);
        }

        @Override
        public void read(AuditEvent event) {
            // Reads and sign-ins are evaluated by the rules (bulk reads, brute force) and batched into the log.
            Ticket t = admit(event);
            if (event.outcome() == Outcome.FAILURE) {
                failed(t, event.reason());
            } else {
                completed(t, -1, -1);
            }
        }
    }

    private static CheckpointSource checkpoints(Node node) {
        return new CheckpointSource() {
            @Override
            public Optional<String> cosignedCheckpoint() {
                Optional<String> cosigned = node.shipper().flatMap(s -> s.cosigned()).map(Note::format);
                return cosigned.isPresent() ? cosigned : node.log().checkpoint();
            }

            @Override
            public List<String> witnessKeys() {
                var w = node.shipping().witnesses();
                return w == null ? List.of() : w.witnesses().stream().map(c -> c.key().format()).toList();
            }

            @Override
            public String logKey() {
                return node.log().vkey();
            }
        };
    }

    private static StatusSource status(Node node) {
        return () -> {
            SentinelStatus s = node.sentinel().sentinel().status();
            Optional<ShippingStatus> shipping = node.shipper().map(sh -> sh.status());
            int vaults = shipping.map(x -> x.vaults().size()).orElse(0);
            int up = shipping.map(x -> (int) x.vaults().stream().filter(v -> v.state() == ShippingStatus.State.CAUGHT_UP).count()).orElse(0);
            double lag = shipping.map(x -> x.vaults().stream().mapToDouble(ShippingStatus.VaultStatus::lagSeconds).max().orElse(0)).orElse(0.0);
            int witnesses = node.shipping().witnesses() == null ? 0 : node.shipping().witnesses().witnesses().size();
            boolean paused = s.safeMode() || node.engine().barrier().closedBecause().isPresent();
            return new StatusSource.Snapshot(paused, s.safeModeSince(), vaults, up, lag, witnesses, node.engine().size(),
                    node.log().checkpointSize());
        };
    }
}
