import { ASTERISK_ACTIONS } from './actionTable.js';
import type { ActionHandler } from './types.js';

/** ListCommands: every action with its synopsis and classes, as Asterisk lists them. */
export const listCommands: ActionHandler = (ctx) => {
  ctx.reply(
    'Success',
    ASTERISK_ACTIONS.map(([name, synopsis]) => [name, synopsis]),
  );
};

const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** CoreStatus: start time, current and processed calls. */
export const coreStatus: ActionHandler = (ctx) => {
  const { pbx } = ctx;
  const started = pbx.startedAt;
  ctx.reply('Success', [
    ['CoreStartupDate', date(started)],
    ['CoreStartupTime', time(started)],
    ['CoreReloadDate', date(started)],
    ['CoreReloadTime', time(started)],
    ['CoreCurrentCalls', String(pbx.channels.size)],
    ['CoreProcessedCalls', String(pbx.processedCalls)],
  ]);
};

/** CoreSettings: the same values the recorded Asterisk reports. */
export const coreSettings: ActionHandler = (ctx) => {
  ctx.reply('Success', [
    ['AMIversion', '11.0.0'],
    ['AsteriskVersion', '22.10.1'],
    ['SystemName', ''],
    ['CoreMaxCalls', '0'],
    ['CoreMaxLoadAvg', '0.000000'],
    ['CoreRunUser', ''],
    ['CoreRunGroup', ''],
    ['CoreMaxFilehandles', '0'],
    ['CoreRealTimeEnabled', 'No'],
    ['CoreCDRenabled', 'No'],
    ['CoreHTTPenabled', 'No'],
    ['SoundsSearchCustomDir', 'No'],
  ]);
};
