import { randomUUID } from 'node:crypto';
import type { AmiMessage, RecordedConnection } from './RecordedConnection.js';

/** A scenario to record: what it shows, and the script that drives the real Asterisk. */
export interface Scenario {
  /** One line for the README's table: what the recording shows. */
  readonly summary: string;
  run(s: ScenarioContext): Promise<void>;
}

/** What a scenario script gets: its first connection, a way to open more, and small helpers. */
export interface ScenarioContext {
  /** The main connection (banner read, not logged in). */
  readonly ami: Ami;
  /** Opens another recorded connection, saved as `<scenario>.<label>.*`. */
  open(label: string): Promise<Ami>;
  sleep(ms: number): Promise<void>;
}

/**
 * A scenario's view of one recorded AMI connection: actions are written exactly as given, with
 * an ActionID of the connection's sequence; replies and events are awaited by content.
 */
export class Ami {
  constructor(readonly conn: RecordedConnection) {}

  /** Writes an action (its ActionID second, as the project's recordings do); returns the id. */
  send(action: string, fields: ReadonlyArray<readonly [string, string]> = []): string {
    const id = this.conn.nextActionId();
    this.conn.write([['Action', action], ['ActionID', id], ...fields]);
    return id;
  }

  /** Sends an action and waits for its Response. */
  async action(
    action: string,
    fields: ReadonlyArray<readonly [string, string]> = [],
    timeoutMs = 15_000,
  ): Promise<AmiMessage> {
    const id = this.send(action, fields);
    return this.response(id, timeoutMs);
  }

  /** The Response carrying `actionId`. */
  response(actionId: string, timeoutMs = 15_000): Promise<AmiMessage> {
    return this.conn.waitFor(
      (m) => m.get('ActionID') === actionId && m.get('Response') !== undefined,
      timeoutMs,
      `the response to ${actionId}`,
    );
  }

  /** The first event named `name` (received from message index `from` on) that `match` accepts. */
  event(
    name: string,
    match: (m: AmiMessage) => boolean = () => true,
    timeoutMs = 15_000,
    from = 0,
  ): Promise<AmiMessage> {
    return this.conn.waitFor(
      (m) => m.get('Event') === name && match(m),
      timeoutMs,
      `event ${name}`,
      from,
    );
  }

  /** How many messages have arrived so far (a starting point for `event(..., from)`). */
  get seen(): number {
    return this.conn.messages.length;
  }

  login(username = 'manager', secret = 'secret'): Promise<AmiMessage> {
    return this.action('Login', [
      ['Username', username],
      ['Secret', secret],
    ]);
  }

  /** Logoff, then wait for the server to close the socket. */
  async logoff(): Promise<void> {
    await this.action('Logoff');
    await this.conn.closedByServer();
  }

  /**
   * Async Originate of `Local/<exten>@default` running Wait(60) on `;1`, with a caller ID and an
   * AsyncOrigId correlation variable; resolves with the `;2` channel once its AsyncAGIStart came
   * (the extension must run AGI(agi:async)).
   */
  async originateToAgi(exten: string, callerId: string): Promise<string> {
    const from = this.seen;
    const id = this.send('Originate', [
      ['Channel', `Local/${exten}@default`],
      ['Application', 'Wait'],
      ['Data', '60'],
      ['CallerID', callerId],
      ['Async', 'true'],
      ['Variable', `AsyncOrigId=${randomUUID()}`],
    ]);
    await this.response(id);
    const start = await this.event(
      'AsyncAGIStart',
      (m) => (m.get('Channel') ?? '').startsWith(`Local/${exten}@default-`),
      15_000,
      from,
    );
    return start.get('Channel')!;
  }

  /**
   * Queues one AGI command and waits for its AsyncAGIExec; resolves with the decoded result line.
   * `waitResult: false` only queues it (and waits for the action's Response).
   */
  async agi(
    channel: string,
    command: string,
    commandId: string,
    options: { waitResult?: boolean; timeoutMs?: number } = {},
  ): Promise<string | undefined> {
    const from = this.seen;
    const id = this.send('AGI', [
      ['Channel', channel],
      ['Command', command],
      ['CommandID', commandId],
    ]);
    await this.response(id);
    if (options.waitResult === false) return undefined;
    const exec = await this.event(
      'AsyncAGIExec',
      (m) => m.get('CommandId') === commandId,
      options.timeoutMs ?? 30_000,
      from,
    );
    return decodeURIComponent(exec.get('Result') ?? '').trim();
  }

  /** Waits for the Hangup of a channel. */
  hangupOf(channel: string, timeoutMs = 30_000, from = 0): Promise<AmiMessage> {
    return this.event('Hangup', (m) => m.get('Channel') === channel, timeoutMs, from);
  }
}
