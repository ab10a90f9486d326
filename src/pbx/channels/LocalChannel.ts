import type { Pbx } from '../Pbx.js';
import type { Channel } from './Channel.js';
import { ChannelState } from './channelState.js';

/** Where a Local channel leads: `Local/<exten>@<context>`. */
export interface LocalTarget {
  readonly exten: string;
  readonly context: string;
}

/** Parses `Local/401@default` (context defaults to `default`); `undefined` for other technologies. */
export function parseLocal(dial: string): LocalTarget | undefined {
  const m = /^Local\/([^@/]+)(?:@([^/]+))?(?:\/\w+)?$/i.exec(dial.trim());
  if (!m) return undefined;
  return { exten: m[1]!, context: m[2] ?? 'default' };
}

/**
 * Creates a Local channel pair `Local/<exten>@<context>-XXXXXXXX;1` / `;2` and publishes their
 * Newchannel events: `;1` (the side the caller holds) Down, `;2` (the side that runs the dialplan)
 * Ring. Both share one sequence number; `;1` gets the lower Uniqueid.
 */
export function createLocalPair(
  pbx: Pbx,
  target: LocalTarget,
  linkedid?: string,
): [one: Channel, two: Channel] {
  const seq = pbx.nextSequence();
  const base = `Local/${target.exten}@${target.context}`;
  const uid1 = pbx.nextUniqueid();
  const one = pbx.createChannel({
    name: `${base}-${seq};1`,
    tech: 'Local',
    uniqueid: uid1,
    linkedid: linkedid ?? uid1,
    state: ChannelState.Down,
    context: target.context,
    exten: target.exten,
    device: base,
  });
  const two = pbx.createChannel({
    name: `${base}-${seq};2`,
    tech: 'Local',
    uniqueid: pbx.nextUniqueid(),
    linkedid: one.linkedid,
    state: ChannelState.Ring,
    context: target.context,
    exten: target.exten,
    device: base,
  });
  one.partner = two;
  two.partner = one;
  one.half = 1;
  two.half = 2;
  pbx.processedCalls++;
  pbx.channelEvent('Newchannel', 'call', one);
  pbx.channelEvent('Newchannel', 'call', two);
  return [one, two];
}

/**
 * What `ast_unreal_call_setup` does when the caller places the call: copy every variable of `;1`
 * to `;2` (VarSet shows `;2` before the change), then cross caller ID and connected line over (`;2`'s
 * caller ID is `;1`'s connected line and vice versa), each published only when it changed.
 */
export function setupTwo(pbx: Pbx, one: Channel, two: Channel): void {
  // Asterisk keeps a channel's variables newest first and copies them in that order.
  for (const [k, v] of [...one.vars].reverse()) pbx.setVar(two, k, v, true);
  const callerChanged = two.callerNum !== one.connectedNum || two.callerName !== one.connectedName;
  const connectedChanged =
    two.connectedNum !== one.callerNum || two.connectedName !== one.callerName;
  two.callerNum = one.connectedNum;
  two.callerName = one.connectedName;
  two.connectedNum = one.callerNum;
  two.connectedName = one.callerName;
  if (callerChanged)
    pbx.channelEvent('NewCallerid', 'call', two, [['CID-CallingPres', CALLING_PRES]]);
  if (callerChanged || connectedChanged) pbx.channelEvent('NewConnectedLine', 'call', two);
}

/** LocalBridge: `;2` is about to run the dialplan at its extension. */
export function publishLocalBridge(pbx: Pbx, one: Channel, two: Channel): void {
  pbx.emit('LocalBridge', 'call', [
    ...pbx.snapshot(one, 'LocalOne'),
    ...pbx.snapshot(two, 'LocalTwo'),
    ['Context', two.context],
    ['Exten', two.exten],
    ['LocalOptimization', 'Yes'],
  ]);
}

/** The CID-CallingPres value of every call the PBX makes. */
export const CALLING_PRES = '0 (Presentation Allowed, Not Screened)';

/** Sets caller ID and connected line on a channel, publishing NewCallerid and NewConnectedLine. */
export function setCallerIds(
  pbx: Pbx,
  ch: Channel,
  caller: { num: string; name: string },
  connected: { num: string; name: string },
): void {
  // Asterisk publishes the caller ID change before it copies the connected line.
  ch.callerNum = caller.num;
  ch.callerName = caller.name;
  pbx.channelEvent('NewCallerid', 'call', ch, [['CID-CallingPres', CALLING_PRES]]);
  ch.connectedNum = connected.num;
  ch.connectedName = connected.name;
  pbx.channelEvent('NewConnectedLine', 'call', ch);
}
