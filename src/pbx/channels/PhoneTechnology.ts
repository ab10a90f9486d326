import { runPbx } from '../dialplan/runPbx.js';
import type { Pbx } from '../Pbx.js';
import type { Channel } from './Channel.js';
import { ChannelState } from './channelState.js';
import { receiveControl } from './control.js';
import type { ChannelTechnology } from './technology.js';

/** How a simulated phone reacts when it is called. */
export type PhoneBehaviour = 'answer' | 'busy' | 'reject' | 'no-answer';

/** A simulated SIP phone (`PJSIP/<name>`). */
export interface PhoneConfig {
  readonly name: string;
  /** Context its own calls start in (default `default`). */
  readonly context?: string;
  /** Caller ID it presents (default: its name). */
  readonly callerIdNum?: string;
  readonly callerIdName?: string;
  /** What it does when called (default `answer`). */
  readonly behaviour?: PhoneBehaviour;
  /** How long it rings before answering, busy or reject (default 1000 ms). */
  readonly ringMs?: number;
}

/** Hangup causes of a phone that refuses: busy 17, rejected 21. */
const CAUSE = { busy: 17, reject: 21 } as const;

/**
 * `PJSIP/<name>`: simulated phones registered with {@link PhoneTechnology.add}. Calling one makes a
 * single channel that rings, then answers, is busy, rejects, or rings until the caller gives up.
 * Phones can also place calls into the dialplan ({@link placePhoneCall}).
 */
export class PhoneTechnology implements ChannelTechnology {
  readonly name = 'PJSIP';
  private readonly phones = new Map<string, PhoneConfig>();

  add(phone: PhoneConfig): void {
    this.phones.set(phone.name, phone);
  }

  get(name: string): PhoneConfig | undefined {
    return this.phones.get(name);
  }

  request(pbx: Pbx, resource: string, req: { linkedid?: string }) {
    const phone = this.phones.get(resource);
    if (!phone) return undefined;
    const ch = newPhoneChannel(pbx, phone, ChannelState.Down, 's', req.linkedid);
    return {
      channel: ch,
      dialString: resource,
      call: () => true,
      start: () => {
        const ring = pbx.clock.setTimer(() => ringThenAct(pbx, ch, phone), 0);
        ch.onHangup(() => pbx.clock.clearTimer(ring));
      },
      abandon: () => pbx.hangupChannel(ch),
    };
  }
}

function newPhoneChannel(
  pbx: Pbx,
  phone: PhoneConfig,
  state: number,
  exten: string,
  linkedid?: string,
): Channel {
  const uid = pbx.nextUniqueid();
  const ch = pbx.createChannel({
    name: `PJSIP/${phone.name}-${pbx.nextSequence()}`,
    tech: 'PJSIP',
    uniqueid: uid,
    linkedid: linkedid ?? uid,
    state,
    context: phone.context ?? 'default',
    exten,
    device: `PJSIP/${phone.name}`,
  });
  ch.callerNum = phone.callerIdNum ?? phone.name;
  ch.callerName = phone.callerIdName ?? phone.name;
  pbx.processedCalls++;
  pbx.channelEvent('Newchannel', 'call', ch);
  return ch;
}

/**
 * The phone rings (a 180: the channel goes Ringing and its caller hears it), then after `ringMs`
 * answers (200), or refuses: chan_pjsip ends the session and queues a hangup whose cause comes
 * from the SIP status (486 Busy Here: 17; 603 Decline: 21). One that never answers rings until
 * its caller gives up.
 */
function ringThenAct(pbx: Pbx, ch: Channel, phone: PhoneConfig): void {
  if (ch.destroyed || ch.hangupRequested) return;
  receiveControl(pbx, ch, 'ringing');
  const behaviour = phone.behaviour ?? 'answer';
  if (behaviour === 'no-answer') return;
  const t = pbx.clock.setTimer(() => {
    if (ch.destroyed || ch.hangupRequested) return;
    if (behaviour === 'answer') receiveControl(pbx, ch, 'answer');
    else pbx.queueHangup(ch, CAUSE[behaviour]);
  }, phone.ringMs ?? 1000);
  ch.onHangup(() => pbx.clock.clearTimer(t));
}

/**
 * A phone dials an extension: its channel (`PJSIP/<name>-XXXXXXXX`, state Ring) runs the dialplan
 * from `<context>,<exten>,1`. Returns the channel, or `undefined` for an unknown phone.
 */
export function placePhoneCall(
  pbx: Pbx,
  tech: PhoneTechnology,
  from: string,
  exten: string,
): Channel | undefined {
  const phone = tech.get(from);
  if (!phone) return undefined;
  const ch = newPhoneChannel(pbx, phone, ChannelState.Ring, exten);
  pbx.track(runPbx(pbx, ch));
  return ch;
}
