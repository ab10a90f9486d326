/**
 * Which channels share which bridge, kept from `BridgeCreate`, `BridgeEnter`, `BridgeLeave` and
 * `BridgeDestroy` (and from `CoreShowChannel`'s `BridgeId` on resync).
 *
 * A plain mutable index owned by the supervisor: it answers "who else is in this bridge" for the
 * router in O(1), and forgets a bridge as soon as it is destroyed, so it never outgrows the calls
 * that are up.
 *
 * @example
 * const bridges = new BridgeRegistry();
 * bridges.enter('eb117ca8', '1795808433.18');
 * bridges.enter('eb117ca8', '1795808432.17');
 * bridges.members('eb117ca8'); // ['1795808433.18', '1795808432.17']
 */
export class BridgeRegistry {
  private readonly bridges = new Map<string, Set<string>>();
  private readonly channelBridge = new Map<string, string>();

  /** A bridge exists (possibly empty). */
  create(bridgeId: string): void {
    if (!this.bridges.has(bridgeId)) this.bridges.set(bridgeId, new Set());
  }

  /** A channel joined a bridge (leaving any other it was in); returns the members now. */
  enter(bridgeId: string, uniqueid: string): readonly string[] {
    const previous = this.channelBridge.get(uniqueid);
    if (previous !== undefined && previous !== bridgeId) this.leave(previous, uniqueid);
    let members = this.bridges.get(bridgeId);
    if (!members) {
      members = new Set();
      this.bridges.set(bridgeId, members);
    }
    members.add(uniqueid);
    this.channelBridge.set(uniqueid, bridgeId);
    return [...members];
  }

  /** A channel left a bridge; returns the members still in it. */
  leave(bridgeId: string, uniqueid: string): readonly string[] {
    const members = this.bridges.get(bridgeId);
    members?.delete(uniqueid);
    if (this.channelBridge.get(uniqueid) === bridgeId) this.channelBridge.delete(uniqueid);
    return members ? [...members] : [];
  }

  /** The bridge is gone; anyone still listed in it is out of it. */
  destroy(bridgeId: string): void {
    const members = this.bridges.get(bridgeId);
    if (members) {
      for (const uniqueid of members) {
        if (this.channelBridge.get(uniqueid) === bridgeId) this.channelBridge.delete(uniqueid);
      }
    }
    this.bridges.delete(bridgeId);
  }

  /** The Uniqueids in a bridge (empty when unknown). */
  members(bridgeId: string): readonly string[] {
    const members = this.bridges.get(bridgeId);
    return members ? [...members] : [];
  }

  /** Whether anyone is in the bridge: the router's fast check before building a member list. */
  hasMembers(bridgeId: string): boolean {
    return (this.bridges.get(bridgeId)?.size ?? 0) > 0;
  }

  /** The bridge a channel is in, if any. */
  bridgeOf(uniqueid: string): string | undefined {
    return this.channelBridge.get(uniqueid);
  }

  /** Forget a channel entirely (it was removed without a `BridgeLeave`, e.g. lost). */
  forgetChannel(uniqueid: string): void {
    const bridgeId = this.channelBridge.get(uniqueid);
    if (bridgeId !== undefined) this.leave(bridgeId, uniqueid);
  }

  /** Forget everything (before rebuilding from a resync). */
  clear(): void {
    this.bridges.clear();
    this.channelBridge.clear();
  }

  /** How many bridges and channel memberships are held (for leak checks). */
  get size(): { bridges: number; channels: number } {
    return { bridges: this.bridges.size, channels: this.channelBridge.size };
  }
}
