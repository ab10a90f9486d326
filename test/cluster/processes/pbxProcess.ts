/**
 * An embedded PBX in a process of its own, with simulated IVR callers, for the cluster suite.
 *
 * Started as `pbxProcess.ts <callers>`: registers phones `caller0001`...; prints one JSON line per
 * report on stdout (`ready` with its AMI port first). Commands come as JSON lines on stdin:
 * - `{ "type": "call", "count": N }`: N phones call the IVR (extension 500), one every 20 ms. Each types the passcode
 *   (`12345#`) whenever `GET DATA` starts on its channel.
 * - `{ "type": "choose", "digit": "2" }`: from now on each caller in the menu presses `digit` (at
 *   once, then whenever a menu sound or `WAIT FOR DIGIT` starts on its channel, until it hangs up).
 * - `{ "type": "report" }`: prints `report` with each call's AGI commands and whether it is gone.
 * It exits when stdin closes (its parent died or is done).
 */
import { createInterface } from 'node:readline';
import { startPbx } from '../../../src/pbx/index.js';

interface CallRecord {
  readonly phone: string;
  readonly channel: string;
  readonly commands: string[];
  gone: boolean;
}

const callers = Number(process.argv[2] ?? 100);
const phones = Array.from({ length: callers }, (_, i) => ({
  name: `caller${String(i + 1).padStart(4, '0')}`,
}));
const pbx = await startPbx({ port: 0, phones });
const calls = new Map<string, CallRecord>();
let choice: string | undefined;
const say = (message: object): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};
const press = (channel: string, digits: string): void => {
  void pbx.sendDigits(channel, digits, { receive: true }).catch(() => {});
};
/** Time between two calls placed by one `call` command. */
const CALL_GAP_MS = 20;
const MENU = /^(STREAM FILE (vm-press|digits\/|please-try-again)|WAIT FOR DIGIT)/;

pbx.pbx.subscribe((event) => {
  const field = (key: string) => event.fields.find(([k]) => k === key)?.[1] ?? '';
  const record = calls.get(field('Channel'));
  if (!record) return;
  if (event.name === 'AGIExecStart') {
    const command = field('Command');
    record.commands.push(command);
    if (command.startsWith('GET DATA')) press(record.channel, '12345#');
    else if (choice !== undefined && MENU.test(command)) press(record.channel, choice);
  } else if (event.name === 'Hangup') {
    record.gone = true;
  }
});

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line) as { type: string; count?: number; digit?: string };
  if (command.type === 'call') {
    const free = phones.filter(
      (p) => ![...calls.values()].some((c) => c.phone === p.name && !c.gone),
    );
    // One call every CALL_GAP_MS, as callers arrive: not a burst of them in one event-loop turn.
    void (async () => {
      for (const phone of free.slice(0, command.count ?? 1)) {
        const channel = pbx.phoneCall(phone.name, '500');
        calls.set(channel, { phone: phone.name, channel, commands: [], gone: false });
        await new Promise((resolve) => setTimeout(resolve, CALL_GAP_MS));
      }
      say({ type: 'called', count: calls.size });
    })();
  } else if (command.type === 'choose') {
    choice = command.digit ?? '2';
    for (const record of calls.values()) if (!record.gone) press(record.channel, choice);
  } else if (command.type === 'report') {
    say({ type: 'report', calls: [...calls.values()], channels: pbx.channels().length });
  } else if (command.type === 'forget') {
    calls.clear();
    choice = undefined;
  }
});
lines.on('close', () => {
  void pbx.stop().finally(() => process.exit(0));
});
say({ type: 'ready', port: pbx.port });
