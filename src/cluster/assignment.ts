/** What a node knows when it decides which free leases to try. */
export interface AssignmentView {
  /** This node. */
  readonly me: string;
  /** Nodes whose presence key is live (this node included or not: it is added). */
  readonly liveNodes: readonly string[];
  /** Every Asterisk of the cluster. */
  readonly asterisks: readonly string[];
  /** Who holds each held lease. */
  readonly holders: ReadonlyMap<string, string>;
  /** For a free lease, the node that held it last (presumed dead or fenced: it is passed over). */
  readonly lastHolders: ReadonlyMap<string, string>;
}

/**
 * Which free leases this node should try to take now. Every node computes the same answer from the
 * same view, so they do not race for a lease: each free Asterisk goes to the live node that ranks
 * highest for it (rendezvous hashing, so the choice moves little when nodes come and go) among those
 * holding fewer than their fair share, `ceil(asterisks / nodes)`; its last holder is passed over.
 * Leases already held never move. Views differ for a moment when nodes come and go: the caller
 * also tries a lease that stayed free for a while whatever this says, and the lease's
 * compare-and-set keeps it to one holder anyway.
 */
export function leasesToTry(view: AssignmentView): string[] {
  const nodes = [...new Set([...view.liveNodes, view.me])].sort();
  const share = Math.ceil(view.asterisks.length / nodes.length);
  const load = new Map(nodes.map((node) => [node, 0]));
  for (const holder of view.holders.values()) load.set(holder, (load.get(holder) ?? 0) + 1);
  const mine: string[] = [];
  for (const asterisk of [...view.asterisks].sort()) {
    if (view.holders.has(asterisk)) continue;
    const previous = view.lastHolders.get(asterisk);
    const candidates = nodes.filter((node) => node !== previous || nodes.length === 1);
    const ranked = candidates.sort(
      (a, b) => rank(b, asterisk) - rank(a, asterisk) || a.localeCompare(b),
    );
    const chosen = ranked.find((node) => (load.get(node) ?? 0) < share) ?? ranked[0];
    if (chosen === undefined) continue;
    load.set(chosen, (load.get(chosen) ?? 0) + 1);
    if (chosen === view.me) mine.push(asterisk);
  }
  return mine;
}

/** The rendezvous weight of a node for an Asterisk (FNV-1a, 32 bits). */
function rank(node: string, asterisk: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${node}\u0000${asterisk}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
