package org.kalaja.ledger;

import java.util.List;

/**
 * The result of {@link TreeBuilder#append}: the new tree and every tile that differs from the old one.
 *
 * @param size the new tree size
 * @param root the RFC 6962 root hash of the new tree
 * @param changedTiles every tile, at every level, that is new or wider than in the old tree, lowest
 *     level first and left to right within a level. Persisting them (alongside the old tree's
 *     tiles) is sufficient for the new tree: each is the widest tile of its level and index.
 */
public record TreeUpdate(long size, Hash root, List<Tile> changedTiles) {
    public TreeUpdate {
        changedTiles = List.copyOf(changedTiles);
    }
}
