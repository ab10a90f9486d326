import net from 'node:net';
import type { TimelineChunk } from '../support/traces.js';

/**
 * One FastAGI scenario, run the same way against a real Asterisk (to record it) and against the
 * embedded PBX (to hold it to the recording): a raw AMI session places a call to `exten`, whose
 * dialplan runs `AGI(agi://${FASTAGI_HOST}:${FASTAGI_PORT}/...)`; a raw FastAGI server accepts the
 * connection and sends the scripted commands, one at a time, each after the previous reply.
 */
export interface FastAgiScenario {
  readonly name: string;
  readonly summary: string;
  /** Extension of `asterisk-etc/extensions.conf` (context `default`) that runs FastAGI. */
  readonly exten: string;
  readonly steps: readonly FastAgiStep[];
  /** No FastAGI server listens: the dialplan's AGI fails to connect. */
  readonly unreachable?: boolean;
}

export type FastAgiStep =
  | {
      /** An AGI command line, sent when the previous reply has come. */
      readonly command: string;
      /** Digits the caller presses while the command runs, after `delayMs`, 300 ms apart. */
      readonly dtmf?: { readonly digits: string; readonly delayMs: number };
      /** The caller hangs up `ms` after the command was sent. */
      readonly callerHangsUpAfterMs?: number;
    }
  | { /** The FastAGI server ends the connection (the script is done). */ readonly close: true };

/** What crossed the two sockets, chunk by chunk, `t` in ms since the scenario started. */
export interface FastAgiCapture {
  readonly ami: TimelineChunk[];
  readonly agi: TimelineChunk[];
}

export interface DriverTarget {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly secret?: string;
}

/** The AMI server and user of an `ami://user:secret@host:port` URL, for the driver. */
export function driverTarget(url: string): DriverTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== 'ami:') throw new TypeError(`not an ami:// URL: ${parsed.protocol}`);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5038),
    username: decodeURIComponent(parsed.username),
    secret: decodeURIComponent(parsed.password),
  };
}

const STEP_TIMEOUT_MS = 15_000;

/** A byte stream as it arrives, with waits for what it must contain. */
class Recorder {
  text = '';
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(
    private readonly chunks: TimelineChunk[],
    private readonly t0: number,
  ) {}

  received(data: string): void {
    this.chunks.push({ t: Date.now() - this.t0, dir: 'rx', data });
    this.text += data;
    this.wake();
  }

  sent(data: string): void {
    this.chunks.push({ t: Date.now() - this.t0, dir: 'tx', data });
  }

  ended(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once `test` holds on the text received so far (or the stream closes: `false`). */
  async until(
    what: string,
    test: (text: string) => boolean,
    ms = STEP_TIMEOUT_MS,
  ): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!test(this.text)) {
      if (this.closed) return false;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`scenario: no ${what} within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }
}

/** Whether `text` holds a whole AGI reply after position `from` (a 520 usage ends with `520 `). */
function replyEnd(text: string, from: number): number {
  const re = /^(?:200|510|511|520) [^\n]*\n/gm;
  re.lastIndex = from;
  const match = re.exec(text);
  return match ? match.index + match[0].length : -1;
}

/**
 * Runs a scenario against the AMI server at `target` (real Asterisk or the embedded PBX) and
 * returns the bytes of both sockets. Throws when a step gets no answer in time.
 */
export async function runFastAgiScenario(
  target: DriverTarget,
  scenario: FastAgiScenario,
): Promise<FastAgiCapture> {
  const t0 = Date.now();
  const capture: FastAgiCapture = { ami: [], agi: [] };
  const ami = new Recorder(capture.ami, t0);
  const agi = new Recorder(capture.agi, t0);
  let agiSocket: net.Socket | undefined;
  const server = net.createServer((socket) => {
    if (agiSocket) {
      socket.destroy();
      return;
    }
    agiSocket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => agi.received(data));
    socket.on('close', () => agi.ended());
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agiPort = (server.address() as net.AddressInfo).port;
  if (scenario.unreachable) await new Promise<void>((resolve) => server.close(() => resolve()));

  const amiSocket = net.connect({ host: target.host, port: target.port });
  amiSocket.setEncoding('utf8');
  amiSocket.on('data', (data: string) => ami.received(data));
  amiSocket.on('close', () => ami.ended());
  amiSocket.on('error', () => {});
  let actionSeq = 0;
  const action = (fields: Array<[string, string]>): string => {
    const id = `fastagi-${++actionSeq}`;
    const wire = `${fields
      .slice(0, 1)
      .concat([['ActionID', id]], fields.slice(1))
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;
    ami.sent(wire);
    amiSocket.write(wire);
    return id;
  };
  const answered = (id: string) =>
    ami.until(`answer to ${id}`, (text) => text.includes(`ActionID: ${id}\r\n`));
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  try {
    await ami.until('banner', (text) => text.includes('\r\n'));
    await answered(
      action([
        ['Action', 'Login'],
        ['Username', target.username ?? 'manager'],
        ['Secret', target.secret ?? 'secret'],
      ]),
    );
    await answered(
      action([
        ['Action', 'Setvar'],
        ['Variable', 'FASTAGI_PORT'],
        ['Value', String(agiPort)],
      ]),
    );
    action([
      ['Action', 'Originate'],
      ['Channel', `Local/${scenario.exten}@default`],
      ['Application', 'Wait'],
      ['Data', '20'],
      ['Async', 'true'],
    ]);
    if (scenario.unreachable) {
      await ami.until('the AGI channel hang-up', (text) =>
        /Event: Hangup\r\n(?:.+\r\n)*?Channel: Local\/\S+;2\r\n/.test(text),
      );
    } else {
      await agi.until('FastAGI environment', (text) => text.includes('\n\n'));
      const env = agi.text.slice(0, agi.text.indexOf('\n\n'));
      const agiChannel = /^agi_channel: (.*)$/m.exec(env)?.[1] ?? '';
      const caller = agiChannel.replace(/;2$/, ';1');
      let read = env.length + 2;
      for (const step of scenario.steps) {
        if ('close' in step) {
          agiSocket?.end();
          break;
        }
        const line = `${step.command}\n`;
        agi.sent(line);
        agiSocket?.write(line);
        if (step.dtmf) {
          [...step.dtmf.digits].forEach((digit, index) => {
            later(step.dtmf!.delayMs + index * 300, () =>
              action([
                ['Action', 'PlayDTMF'],
                ['Channel', caller],
                ['Digit', digit],
                ['Duration', '100'],
              ]),
            );
          });
        }
        if (step.callerHangsUpAfterMs !== undefined) {
          later(step.callerHangsUpAfterMs, () =>
            action([
              ['Action', 'Hangup'],
              ['Channel', caller],
            ]),
          );
        }
        let end = -1;
        const got = await agi.until(`reply to ${step.command}`, (text) => {
          end = replyEnd(text, read);
          return end !== -1;
        });
        if (!got) break;
        read = end;
      }
      await agi.until('the end of the FastAGI connection', () => false).catch(() => undefined);
      if (!agi.closed) throw new Error('scenario: Asterisk did not close the FastAGI connection');
    }
    const hungUp = (text: string) =>
      (text.match(/Event: Hangup\r\n/g) ?? []).length >= (scenario.unreachable ? 2 : 2);
    await ami.until('both hang-ups', hungUp);
    await answered(action([['Action', 'Logoff']]));
    await ami.until('the end of the AMI session', () => false, 5_000).catch(() => undefined);
    return capture;
  } finally {
    for (const timer of timers) clearTimeout(timer);
    amiSocket.destroy();
    agiSocket?.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
