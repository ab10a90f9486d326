import { createHash, randomInt } from 'node:crypto';
import type { AmiSession } from '../server/AmiSession.js';
import { eventTv, timestamp } from '../server/time.js';
import { type ActionHandler, message } from './types.js';

/** Asterisk sleeps this long before refusing a login, to slow down guessing. */
export const FAILED_LOGIN_DELAY_MS = 1000;

/** Login (plain Secret, or AuthType MD5 with Key = md5(challenge + secret)). */
export const login: ActionHandler = async (ctx) => {
  const { session, message: m, pbx } = ctx;
  const username = m.get('Username') ?? '';
  const user = pbx.manager.users.get(username);
  let good = false;
  if (user) {
    if ((m.get('AuthType') ?? '').toLowerCase() === 'md5') {
      const key = (m.get('Key') ?? '').toLowerCase();
      good =
        session.challenge !== undefined &&
        createHash('md5')
          .update(session.challenge + user.secret)
          .digest('hex') === key;
    } else {
      good = m.get('Secret') === user.secret;
    }
  }
  if (!user || !good) {
    await new Promise<void>((r) => pbx.clock.setTimer(r, FAILED_LOGIN_DELAY_MS));
    ctx.reply('Error', message('Authentication failed'));
    session.close();
    return;
  }
  session.user = user;
  const events = m.get('Events');
  if (events !== undefined) applyEventMask(session, events);
  ctx.reply('Success', message('Authentication accepted'));
  if (session.wants('system')) {
    const up = String(ctx.server.uptime());
    session.sendEvent({
      name: 'FullyBooted',
      cls: 'system',
      fields: [
        ['Uptime', up],
        ['LastReload', up],
        ['Status', 'Fully Booted'],
      ],
    });
  }
  const now = pbx.clock.now();
  ctx.server.securityEvent('SuccessfulAuth', [
    ['EventTV', eventTv(now)],
    ['Severity', 'Informational'],
    ['Service', 'AMI'],
    ['EventVersion', '1'],
    ['AccountID', user.username],
    ['SessionID', session.id],
    ['LocalAddress', session.localAddress],
    ['RemoteAddress', session.remoteAddress],
    ['UsingPassword', '0'],
    ['SessionTV', eventTv(now)],
  ]);
};

/** Challenge (AuthType: MD5): a fresh random number to hash the secret with. */
export const challenge: ActionHandler = (ctx) => {
  if ((ctx.message.get('AuthType') ?? '').toLowerCase() !== 'md5') {
    ctx.reply('Error', message('Must specify AuthType'));
    return;
  }
  ctx.session.challenge ??= String(randomInt(100000000, 999999999));
  ctx.reply('Success', [['Challenge', ctx.session.challenge]]);
};

/** Logoff: Goodbye, then the server closes the socket. */
export const logoff: ActionHandler = (ctx) => {
  ctx.reply('Goodbye', message('Thanks for all the fish.'));
  ctx.session.close();
};

/** Ping: Pong with the server time. */
export const ping: ActionHandler = (ctx) => {
  ctx.reply('Success', [
    ['Ping', 'Pong'],
    ['Timestamp', timestamp(ctx.pbx.clock.now())],
  ]);
};

/** Events: EventMask `on`, `off`, or a class list. */
export const events: ActionHandler = (ctx) => {
  const s = ctx.session;
  applyEventMask(s, ctx.message.get('EventMask') ?? 'on');
  ctx.reply('Success', [['Events', s.eventsOn ? 'On' : 'Off']]);
};

/** `on`/`all`, `off`/`none`, or a class list (`call,agi`): what Events and Login's Events accept. */
function applyEventMask(s: AmiSession, value: string): void {
  const mask = value.trim().toLowerCase();
  if (mask === 'off' || mask === 'none' || mask === 'no' || mask === 'false') {
    s.eventsOn = false;
  } else if (mask === 'on' || mask === 'all' || mask === 'yes' || mask === 'true') {
    s.eventsOn = true;
    s.eventMask = undefined;
  } else {
    s.eventsOn = true;
    s.eventMask = new Set(mask.split(',').map((c) => c.trim()));
  }
}
