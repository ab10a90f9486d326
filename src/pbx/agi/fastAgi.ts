import net from 'node:net';
import { LineSplitter } from '../../protocol/lineSplitter.js';
import type { Channel } from '../channels/Channel.js';
import type { AppResult } from '../dialplan/applications/types.js';
import type { Pbx } from '../Pbx.js';
import type { ApplicationLookup } from './commands.js';
import { agiEnvironment } from './environment.js';
import { runPublishedCommand } from './execEvents.js';

/** res_agi's FastAGI port when the URL names none. */
const AGI_PORT = 4573;
/** How long res_agi waits for the TCP connection (MAX_AGI_CONNECT). */
const CONNECT_TIMEOUT_MS = 2000;
/** res_agi reads a command into a fixed buffer (AGI_BUF_LEN): a longer line is cut there. */
const MAX_COMMAND_BYTES = 8191;

/** Host, port and script of `agi://host[:port][/script[?query]]`. */
export function parseFastAgiUrl(
  url: string,
): { host: string; port: number; script: string } | undefined {
  const match = /^agi:\/\/([^/]*)(?:\/(.*))?$/i.exec(url);
  if (!match?.[1]) return undefined;
  const hostPort = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(match[1]);
  if (!hostPort) return undefined;
  const port = hostPort[2] === undefined ? AGI_PORT : Number(hostPort[2]);
  if (port <= 0 || port > 65535) return undefined;
  return { host: hostPort[1]!.replace(/^\[|\]$/g, ''), port, script: match[2] ?? '' };
}

/**
 * AGI(agi://host[:port][/script[?query]][,arg...]) as res_agi runs it: connects (2 s at most;
 * failing that, `AGISTATUS` is FAILURE and the dialplan goes on), sends `agi_network: yes`, the
 * script and the environment, then runs each command line the server writes and answers it. When
 * the channel hangs up it writes `HANGUP` and goes on answering (dead mode: media commands `511`)
 * until the server closes the connection; it writes `HANGUP` once more then, and sets `AGISTATUS`:
 * SUCCESS, HANGUP (the call then ends) or FAILURE (a command failed on a live channel).
 *
 * One difference: res_agi reads commands through a stdio buffer but waits for new bytes on the
 * socket, so of several command lines written at once it may answer only the first until more
 * bytes come (tried on Asterisk 22.10.1). This PBX answers each line as it comes; a client that
 * waits for each reply before the next command, as AGI clients do, sees no difference.
 */
export async function fastAgi(
  pbx: Pbx,
  ch: Channel,
  data: string,
  application: ApplicationLookup,
): Promise<AppResult> {
  const [url = '', ...args] = data.split(',');
  const target = parseFastAgiUrl(url);
  const socket = target ? await connect(target.host, target.port) : undefined;
  if (!target || !socket) {
    pbx.setVar(ch, 'AGISTATUS', 'FAILURE');
    return 0;
  }
  const lines = new SocketLines(socket);
  const open = openConnections(pbx);
  open.add(lines);
  const hello = `agi_network: yes\n${target.script ? `agi_network_script: ${target.script}\n` : ''}`;
  socket.write(hello + agiEnvironment(ch, url, args));
  let status: 'SUCCESS' | 'HANGUP' | 'FAILURE' = 'SUCCESS';
  let dead = ch.hangupRequested;
  try {
    for (;;) {
      if (!dead && ch.hangupRequested) {
        dead = true;
        if (status === 'SUCCESS') status = 'HANGUP';
        lines.write('HANGUP\n');
      }
      const line = await nextLine(pbx, ch, lines, dead);
      if (line === undefined) break;
      if (line === null) continue;
      const outcome = await runPublishedCommand(pbx, ch, line, application, dead);
      if (!outcome) return -1;
      lines.write(`${outcome.text}\n`);
      if (outcome.status === 'failure' && (dead || !ch.hangupRequested)) status = 'FAILURE';
    }
    lines.write('HANGUP\n');
  } finally {
    open.delete(lines);
    lines.close();
  }
  if (ch.destroyed) return -1;
  pbx.setVar(ch, 'AGISTATUS', status);
  return status === 'HANGUP' ? -1 : 0;
}

/** The FastAGI connections each PBX has open, so that stopping it closes them. */
const connections = new WeakMap<Pbx, Set<SocketLines>>();

function openConnections(pbx: Pbx): Set<SocketLines> {
  let open = connections.get(pbx);
  if (!open) {
    open = new Set();
    connections.set(pbx, open);
  }
  return open;
}

/**
 * Ends every FastAGI connection of a PBX that is stopping: a server that never closes its side
 * (dead mode lasts until it does) must not keep the PBX, or the process, alive.
 */
export function closeFastAgiConnections(pbx: Pbx): void {
  for (const lines of connections.get(pbx) ?? []) lines.destroy();
}

/**
 * The next command line; `null` when the channel hung up first (the caller writes HANGUP), or
 * `undefined` when the server ended the connection. While it waits the channel is read and its
 * frames dropped, as res_agi does: a key pressed between two commands is lost.
 */
async function nextLine(
  pbx: Pbx,
  ch: Channel,
  lines: SocketLines,
  dead: boolean,
): Promise<string | undefined | null> {
  if (dead) return lines.next();
  const idle = new AbortController();
  const hungUp = ch.wait(pbx.clock, -1, false, idle.signal).then((r) => r.kind === 'hangup');
  const line = lines.next();
  const first = await Promise.race([line, hungUp.then((h) => (h ? null : line))]);
  idle.abort();
  return first;
}

function connect(host: string, port: number): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

/** The command lines of a FastAGI connection, read on demand; `undefined` once it has ended. */
class SocketLines {
  private readonly splitter = new LineSplitter(MAX_COMMAND_BYTES, 'split');
  private readonly ready: string[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const line of this.splitter.push(chunk))
        if (line.kind === 'line') this.ready.push(line.text);
      // Reading pauses while commands wait, so a server that floods cannot grow the queue.
      if (this.ready.length > 0) socket.pause();
      this.wake?.();
    });
    socket.on('end', () => this.finish());
    socket.on('close', () => this.finish());
  }

  async next(): Promise<string | undefined> {
    for (;;) {
      const line = this.ready.shift();
      if (line !== undefined) return line;
      if (this.ended) return undefined;
      this.socket.resume();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  write(text: string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(text);
  }

  close(): void {
    this.socket.end();
    this.socket.destroySoon();
  }

  destroy(): void {
    this.socket.destroy();
    this.finish();
  }

  private finish(): void {
    this.ended = true;
    this.wake?.();
  }
}
