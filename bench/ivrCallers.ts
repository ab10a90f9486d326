/**
 * An embedded PBX in a process of its own, with simulated callers keeping `calls` IVR calls up at
 * once: `node --import tsx bench/ivrCallers.ts <calls> <thinkMs>`. Each caller dials 500, types
 * 12345# `thinkMs` after the passcode prompt starts, then 2 (goodbye) `thinkMs` after the menu
 * offers it; a new call is placed as each ends. Prints `{"url":...}` once listening, then a line of
 * JSON with its counts every 500 ms; `stop` on stdin stops placing calls; it exits once the last
 * call ended (or on SIGTERM), after a last line.
 */
import { startPbx } from '../src/pbx/index.js';

const [callsText = '200', thinkText = '1000'] = process.argv.slice(2);
const calls = Number(callsText);
const thinkMs = Number(thinkText);

const pbx = await startPbx({ port: 0, phones: [{ name: 'caller', callerIdName: 'Load' }] });
const live = new Set<string>();
const counts = { placed: 0, ended: 0, live: 0, peak: 0 };
let placing = true;

const place = (): void => {
  counts.placed += 1;
  live.add(pbx.phoneCall('caller', '500'));
  counts.peak = Math.max(counts.peak, live.size);
};
const press = (channel: string, digits: string): void => {
  setTimeout(() => {
    if (live.has(channel)) void pbx.sendDigits(channel, digits, { receive: true }).catch(() => {});
  }, thinkMs);
};
pbx.pbx.subscribe(({ name, fields }) => {
  const channel = fields.find(([key]) => key === 'Channel')?.[1] ?? '';
  if (!live.has(channel)) return;
  if (name === 'AGIExecStart') {
    const command = fields.find(([key]) => key === 'Command')?.[1] ?? '';
    if (command.startsWith('GET DATA')) press(channel, '12345#');
    else if (command.startsWith('STREAM FILE digits/1')) press(channel, '2');
  } else if (name === 'Hangup') {
    live.delete(channel);
    counts.ended += 1;
    if (placing) place();
  }
});

const report = (): void => {
  counts.live = live.size;
  process.stdout.write(`${JSON.stringify(counts)}\n`);
};
const finish = async (): Promise<void> => {
  clearInterval(timer);
  report();
  await pbx.stop();
  process.exit(0);
};
process.stdout.write(`${JSON.stringify({ url: pbx.url })}\n`);
const timer = setInterval(() => {
  report();
  if (!placing && live.size === 0) void finish();
}, 500);
process.stdin.setEncoding('utf8').on('data', (text: string) => {
  if (text.includes('start')) for (let n = 0; n < calls; n++) place();
  if (text.includes('stop')) placing = false;
});
process.on('SIGTERM', () => void finish());
