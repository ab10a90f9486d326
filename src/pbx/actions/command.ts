import { stateDesc } from '../channels/channelState.js';
import type { Pbx } from '../Pbx.js';
import { type ActionHandler, message } from './types.js';

/** What `core show version` prints. */
export const VERSION_LINE =
  'Asterisk 22.10.1 built by octostate @ embedded on a x86_64 running Linux on 2026-11-27 19:23:33 UTC';

const pad = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s.padEnd(n));

/** `core show channels`, in Asterisk's column layout. */
export function coreShowChannels(pbx: Pbx): string[] {
  const lines = [
    `${pad('Channel', 64)} ${pad('Location', 32)} ${pad('State', 7)} ${pad('Application(Data)', 30)}`,
  ];
  const list = [...pbx.channels.values()].reverse();
  for (const ch of list) {
    const loc = ch.context && ch.exten ? `${ch.exten}@${ch.context}:${ch.priority}` : '(None)';
    const app = ch.app ? `${ch.app}(${ch.appData})` : '(None)';
    lines.push(
      `${pad(ch.name, 64)} ${pad(loc, 32)} ${pad(stateDesc(ch.state), 7)} ${pad(app, 30)}`,
    );
  }
  const active = list.filter((c) => c.owner === 'pbx').length;
  lines.push(`${list.length} active channel${list.length === 1 ? '' : 's'}`);
  lines.push(`${active} active call${active === 1 ? '' : 's'}`);
  lines.push(`${pbx.processedCalls} call${pbx.processedCalls === 1 ? '' : 's'} processed`);
  return lines;
}

/**
 * Command: a few CLI commands (`core show version`, `core show channels`, `core restart now`);
 * anything else answers the way Asterisk's CLI does for an unknown command.
 */
export const command: ActionHandler = async (ctx) => {
  const cmd = (ctx.message.get('Command') ?? '').trim().replace(/\s+/g, ' ');
  if (!cmd) {
    ctx.reply('Error', message('No command provided'));
    return;
  }
  const out = (lines: string[], ok = true) =>
    ctx.reply(ok ? 'Success' : 'Error', [
      ...message('Command output follows'),
      ...lines.map((l): [string, string] => ['Output', l]),
    ]);
  switch (cmd.toLowerCase()) {
    case 'core show version':
      out([VERSION_LINE]);
      return;
    case 'core show channels':
      out(coreShowChannels(ctx.pbx));
      return;
    case 'core restart now':
    case 'core restart gracefully':
    case 'core restart when convenient':
      // The session running the command is busy until the server goes down: it sees nothing more.
      ctx.session.muted = true;
      await ctx.server.restart(ctx.session);
      return;
    default: {
      const words = cmd.split(' ').slice(0, 2).join(' ');
      out(
        [`No such command '${cmd}' (type 'core show help ${words}' for other possible commands)`],
        false,
      );
    }
  }
};
