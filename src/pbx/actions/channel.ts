import type { Channel } from '../channels/Channel.js';
import { deliverDigit, receiveDigit } from '../channels/dtmf.js';
import { lookup } from '../dialplan/substitute.js';
import type { Pbx } from '../Pbx.js';
import { type ActionHandler, isTrue, message } from './types.js';

/** `HH:MM:SS` since the channel was created. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/**
 * Hangup: the channel is asked to stop with `Cause` (0, or out of 0-127: the channel keeps its
 * own); no event of its own. `Channel: /regex/` hangs up every channel whose name matches and
 * answers as a list: one ChannelHungup per channel, then ChannelsHungupListComplete.
 */
export const hangup: ActionHandler = (ctx) => {
  const name = ctx.message.get('Channel');
  if (!name) {
    ctx.reply('Error', message('No channel specified'));
    return;
  }
  const causeText = ctx.message.get('Cause') ?? '';
  const parsed = /^\d+$/.test(causeText) ? Number(causeText) : 0;
  const cause = parsed <= 127 ? parsed : 0;
  const hangUp = (ch: Channel) => {
    if (cause > 0) ch.hangupCause = cause;
    ch.requestHangup();
  };
  if (!name.startsWith('/')) {
    const ch = ctx.pbx.findChannel(name);
    if (!ch) {
      ctx.reply('Error', message('No such channel'));
      return;
    }
    ctx.reply('Success', message('Channel Hungup'));
    hangUp(ch);
    return;
  }
  const pattern = /^\/(.*)\/$/s.exec(name)?.[1];
  let regex: RegExp | undefined;
  try {
    regex = pattern === undefined ? undefined : new RegExp(pattern);
  } catch {
    ctx.reply('Error', message(`Regex compile failed on: ${name}`));
    return;
  }
  if (!regex) {
    ctx.reply('Error', message('Regex format invalid, Channel param should be /regex/'));
    return;
  }
  ctx.reply('Success', [
    ['EventList', 'start'],
    ['Message', 'Channels hung up will follow'],
  ]);
  let count = 0;
  for (const ch of listed(ctx.pbx.channels.values())) {
    if (ch.destroyed || !regex.test(ch.name)) continue;
    hangUp(ch);
    count++;
    const fields: [string, string][] = [
      ['Event', 'ChannelHungup'],
      ['Channel', ch.name],
    ];
    if (ctx.actionId !== undefined) fields.push(['ActionID', ctx.actionId]);
    ctx.session.send(fields);
  }
  ctx.listItem('ChannelsHungupListComplete', [
    ['EventList', 'Complete'],
    ['ListItems', String(count)],
  ]);
};

/** Setvar: on a channel, or a global without Channel. */
export const setvar: ActionHandler = (ctx) => {
  const m = ctx.message;
  const name = m.get('Variable');
  if (!name) {
    ctx.reply('Error', message('No variable specified'));
    return;
  }
  const value = m.get('Value') ?? '';
  const chName = m.get('Channel');
  if (chName) {
    const ch = ctx.pbx.findChannel(chName);
    if (!ch) {
      ctx.reply('Error', message('No such channel'));
      return;
    }
    ctx.pbx.setVar(ch, name, value);
  } else {
    ctx.pbx.globals.set(name, value);
    // Asterisk publishes a global's VarSet with placeholder channel fields.
    ctx.pbx.emit('VarSet', 'dialplan', [
      ['Channel', 'none'],
      ['Uniqueid', 'none'],
      ['Variable', name],
      ['Value', value],
    ]);
  }
  ctx.reply('Success', message('Variable Set'));
};

/** Getvar: `Variable` and `Value` of a channel variable, function, or global. */
export const getvar: ActionHandler = (ctx) => {
  const m = ctx.message;
  const name = m.get('Variable');
  if (!name) {
    ctx.reply('Error', message('No variable specified'));
    return;
  }
  const chName = m.get('Channel');
  let ch: Channel | undefined;
  if (chName) {
    ch = ctx.pbx.findChannel(chName);
    if (!ch) {
      ctx.reply('Error', message('No such channel'));
      return;
    }
  }
  ctx.reply('Success', [
    ['Variable', name],
    ['Value', lookup(name, ch, ctx.pbx.globals)],
  ]);
};

/** Channels in the order the PBX lists them (newest first, like Asterisk's container here). */
function listed(channels: Iterable<Channel>): Channel[] {
  return [...channels].reverse();
}

/** CoreShowChannels: one CoreShowChannel per channel, then CoreShowChannelsComplete. */
export const coreShowChannels: ActionHandler = (ctx) => {
  const { pbx } = ctx;
  ctx.reply('Success', [
    ['EventList', 'start'],
    ['Message', 'Channels will follow'],
  ]);
  const list = listed(pbx.channels.values());
  for (const ch of list) {
    ctx.listItem('CoreShowChannel', [
      ...pbx.snapshot(ch),
      ['Application', ch.app],
      ['ApplicationData', ch.appData],
      ['Duration', duration(pbx.clock.now() - ch.createdAt)],
      ['BridgeId', ch.bridgeId ?? ''],
    ]);
  }
  ctx.listItem('CoreShowChannelsComplete', [
    ['EventList', 'Complete'],
    ['ListItems', String(list.length)],
  ]);
};

/** Status: every channel, or the one named by Channel. */
export const status: ActionHandler = (ctx) => {
  const { pbx } = ctx;
  const name = ctx.message.get('Channel');
  let list: Channel[];
  if (name) {
    const ch = pbx.findChannel(name);
    if (!ch) {
      ctx.reply('Error', message('No such channel'));
      return;
    }
    list = [ch];
  } else {
    list = listed(pbx.channels.values());
  }
  ctx.reply('Success', [
    ['EventList', 'start'],
    ['Message', 'Channel status will follow'],
  ]);
  for (const ch of list) {
    const fields: [string, string][] = [
      ['Event', 'Status'],
      ['Privilege', 'Call'],
      ...pbx.snapshot(ch),
      ['Type', ch.tech],
      ['DNID', ''],
      ['EffectiveConnectedLineNum', ch.connectedNum],
      ['EffectiveConnectedLineName', ch.connectedName],
      ['TimeToHangup', '0'],
      ['BridgeID', ch.bridgeId ?? ''],
      ['Application', ch.app],
      ['Data', ch.appData],
      ['Nativeformats', '(slin)'],
      ['Readformat', 'slin'],
      ['Readtrans', ''],
      ['Writeformat', 'slin'],
      ['Writetrans', ''],
      ['Callgroup', '0'],
      ['Pickupgroup', '0'],
      ['Seconds', String(Math.floor((pbx.clock.now() - ch.createdAt) / 1000))],
    ];
    if (ctx.actionId !== undefined) fields.push(['ActionID', ctx.actionId]);
    ctx.session.send(fields);
  }
  ctx.listItem('StatusComplete', [
    ['EventList', 'Complete'],
    ['ListItems', String(list.length)],
    ['Items', String(list.length)],
  ]);
};

/**
 * PlayDTMF, as Asterisk's `action_playdtmf`: `Duration` is read as C's `%u` (a minus wraps, text
 * after the number is ignored; no number at all is an error). Without `Receive` the digit is sent
 * out of the channel (its Local partner receives it) and the answer waits for the whole tone, at
 * least 100 ms: this AMI session answers nothing else meanwhile, as in Asterisk, where the
 * session's thread sleeps through it. With `Receive: true` the channel itself receives it: the
 * answer comes at once, the digit when the channel's earlier digits are over.
 */
export const playDtmf: ActionHandler = async (ctx) => {
  const m = ctx.message;
  const ch = ctx.pbx.findChannel(m.get('Channel') ?? '');
  if (!ch) {
    ctx.reply('Error', message('Channel not found'));
    return;
  }
  const digit = (m.get('Digit') ?? '').charAt(0);
  if (digit === '') {
    ctx.reply('Error', message('No digit specified'));
    return;
  }
  const ms = parseUnsigned(m.get('Duration') ?? '');
  if (ms === undefined) {
    ctx.reply('Error', message('Could not convert Duration parameter'));
    return;
  }
  if (isTrue(m.get('Receive'))) {
    receiveDigit(ctx.pbx, ch, digit, ms);
    ctx.reply('Success', message('DTMF successfully queued'));
    return;
  }
  // ast_senddigit_external plays at least AST_DEFAULT_EMULATE_DTMF_DURATION (100 ms).
  const played = Math.max(ms, 100);
  await new Promise<void>((r) => ctx.pbx.clock.setTimer(r, Math.min(played, 2 ** 31 - 1)));
  ctx.reply('Success', message('DTMF successfully queued'));
  const far = ch.partner;
  if (far && !far.destroyed) deliverDigit(ctx.pbx, far, digit, played);
};

/**
 * `Duration` as `sscanf("%30u")` reads it: 0 when empty, undefined when no number starts it, a
 * negative number wrapped to 32 bits.
 */
function parseUnsigned(text: string): number | undefined {
  if (text === '') return 0;
  const match = /^\s*([+-]?)(\d{1,30})/.exec(text);
  if (!match) return undefined;
  const value = Number(BigInt.asUintN(32, BigInt(match[2] ?? '0')));
  return match[1] === '-' ? (2 ** 32 - value) % 2 ** 32 : value;
}

/**
 * Redirect: sends a channel to Context/Exten/Priority (a number or a label), checking the headers
 * in Asterisk's order. A channel running the dialplan moves there at once (its events show it from
 * its next snapshot on), its application stops as if hung up, and the dialplan goes on from there;
 * a channel running an Originate's application starts the dialplan there.
 */
export const redirect: ActionHandler = (ctx) => {
  const m = ctx.message;
  const name = m.get('Channel') ?? '';
  const context = m.get('Context') ?? '';
  const exten = m.get('Exten') ?? '';
  const priorityText = m.get('Priority') ?? '';
  const missing = !name
    ? 'Channel'
    : !context
      ? 'Context'
      : !exten
        ? 'Exten'
        : !priorityText
          ? 'Priority'
          : undefined;
  if (missing) {
    ctx.reply('Error', message(`${missing} not specified`));
    return;
  }
  const priority = resolvePriority(ctx.pbx, context, exten, priorityText);
  if (priority < 1) {
    ctx.reply('Error', message('Priority is invalid'));
    return;
  }
  const ch = ctx.pbx.findChannel(name);
  if (!ch) {
    ctx.reply('Error', message(`Channel does not exist: ${name}`));
    return;
  }
  if (ch.interrupted) {
    ctx.reply('Error', message('Redirect failed, channel not up.'));
    return;
  }
  ctx.reply('Success', message('Redirect successful'));
  if (ch.owner === 'pbx') {
    // Moved at once, but shown only with the channel's next snapshot (see Pbx.showLocation).
    ch.staleLocation ??= { context: ch.context, exten: ch.exten, priority: ch.priority };
    ch.context = context;
    ch.exten = exten;
    ch.priority = priority;
  }
  ch.redirectTo({ context, exten, priority });
};

/** A priority number, or the priority of a label at that extension (0 when there is none). */
function resolvePriority(pbx: Pbx, context: string, exten: string, text: string): number {
  const n = /^\s*([+-]?\d+)/.exec(text);
  if (n) return Number.parseInt(n[1]!, 10);
  return (
    pbx.dialplan
      .get(context)
      ?.get(exten)
      ?.find((s) => s.label === text)?.priority ?? 0
  );
}
