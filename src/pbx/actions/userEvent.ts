import type { ActionHandler } from './types.js';

/**
 * UserEvent: a `UserEvent` event (class `user`) to every session that may read it, carrying the
 * `UserEvent` header's value and then every other header of the action but `Action`, as manager.c
 * copies them (ActionID included).
 */
export const userEvent: ActionHandler = (ctx) => {
  const copied = ctx.message
    .fields()
    .filter(([key]) => !/^(userevent|action)$/i.test(key))
    .map(([key, value]) => [key, value] as [string, string]);
  ctx.reply('Success', [['Message', 'Event Sent']]);
  ctx.pbx.emit('UserEvent', 'user', [['UserEvent', ctx.message.get('UserEvent') ?? ''], ...copied]);
};
