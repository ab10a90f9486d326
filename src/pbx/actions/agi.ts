import { agiSessionOf } from '../agi/AsyncAgi.js';
import { type ActionHandler, message } from './types.js';

/**
 * AGI: queues a command on a channel that has entered AsyncAGI (even if its AGI has ended since:
 * res_agi keeps the queue); the result comes later as AsyncAGIExec.
 */
export const agi: ActionHandler = (ctx) => {
  const m = ctx.message;
  const name = m.get('Channel') ?? '';
  const command = m.get('Command');
  if (!name || !command) {
    ctx.reply('Error', message('Both, Channel and Command are *required*'));
    return;
  }
  const ch = ctx.pbx.findChannel(name);
  if (!ch) {
    ctx.reply('Error', message(`Channel ${name} does not exist.`));
    return;
  }
  const session = agiSessionOf(ch);
  if (!session) {
    ctx.reply('Error', message(`Failed to add AGI command to channel ${ch.name} queue`));
    return;
  }
  session.enqueue({ command, commandId: m.get('CommandID') ?? '' });
  ctx.reply('Success', message('Added AGI command to queue'));
};
