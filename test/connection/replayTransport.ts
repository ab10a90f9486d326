import type { Transport } from '../../src/connection/transport.js';
import { readTimeline, type TimelineChunk } from '../support/traces.js';

const ACTION_ID = /^ActionID: (.*)\r$/m;
const COMMAND_ID = /^CommandID: (.*)\r$/m;

/**
 * A fake {@link Transport} that plays a recorded Asterisk session back: it delivers the recorded
 * `rx` chunks, and each time the client sends, it checks the bytes against the next recorded `tx`
 * chunk and delivers what Asterisk sent after it. When the recording ends, it closes (as Asterisk
 * did). The client's ActionIDs are mapped to the recorded ones in both directions, so the bytes
 * compare exactly.
 */
export class ReplayTransport implements Transport {
  /** What the client sent, with its ActionIDs replaced by the recorded ones. */
  readonly sent: string[] = [];
  /** Recorded sends the client did not reproduce byte for byte. */
  readonly mismatches: Array<{ expected: string; actual: string }> = [];
  private readonly timeline: TimelineChunk[];
  private position = 0;
  private readonly recordedToClient = new Map<string, string>();
  private readonly clientToRecorded = new Map<string, string>();
  private readonly queue: Buffer[] = [];
  private waiter: ((result: IteratorResult<Buffer>) => void) | undefined;
  private ended = false;
  private closing = false;
  private error: Error | undefined;

  /**
   * @param skip recorded sends the client cannot make (a message without `Action:`): their answers
   *   are delivered anyway, unmapped, as soon as they come up
   */
  constructor(
    trace: string,
    private readonly skip: (chunk: TimelineChunk) => boolean = () => false,
    /**
     * Answers for actions the recorded client never sent (a runtime's own `CoreShowChannels`
     * resync): return the bytes Asterisk would answer with, or undefined to treat it as a mismatch.
     */
    private readonly synthesize: (sent: string) => string | undefined = () => undefined,
  ) {
    this.timeline = readTimeline(trace);
    setImmediate(() => this.play());
  }

  get isClosed(): boolean {
    return this.closing;
  }

  get closeError(): Error | undefined {
    return this.error;
  }

  /** Whether every recorded chunk was played. */
  get finished(): boolean {
    return this.position >= this.timeline.length;
  }

  send(data: string | Uint8Array): void {
    if (this.closing) return;
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    // A client that sends several actions at once is ahead of the recording: catch up first.
    this.advance();
    const expected = this.timeline[this.position];
    const recordedAction = /^Action: (.*)\r$/m.exec(expected?.data ?? '')?.[1];
    const sentAction = /^Action: (.*)\r$/m.exec(text)?.[1];
    const synthesized = sentAction !== recordedAction ? this.synthesize(text) : undefined;
    if (synthesized !== undefined) {
      setImmediate(() => this.deliver(Buffer.from(synthesized, 'utf8')));
      return;
    }
    if (expected?.dir !== 'tx') {
      this.mismatches.push({ expected: '(nothing: Asterisk was not waiting)', actual: text });
      return;
    }
    let normalised = text;
    // ActionIDs and AGI CommandIDs are the client's own: map them to the recorded ones.
    for (const [pattern, key] of [
      [ACTION_ID, 'ActionID'],
      [COMMAND_ID, 'CommandID'],
    ] as const) {
      const clientId = pattern.exec(text)?.[1];
      const recordedId = pattern.exec(expected.data)?.[1];
      if (clientId === undefined || recordedId === undefined) continue;
      this.recordedToClient.set(recordedId, clientId);
      this.clientToRecorded.set(clientId, recordedId);
      normalised = normalised.replace(pattern, `${key}: ${recordedId}\r`);
    }
    this.sent.push(normalised);
    if (normalised !== expected.data)
      this.mismatches.push({ expected: expected.data, actual: text });
    this.position += 1;
    setImmediate(() => this.play());
  }

  close(error?: Error): Promise<void> {
    if (error) this.error ??= error;
    this.closing = true;
    this.ended = true;
    this.wake();
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => {
        const chunk = this.queue.shift();
        if (chunk) return Promise.resolve({ value: chunk, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiter = resolve;
        });
      },
    };
  }

  /** Delivers what Asterisk sent up to the next send the client must make, or closes at the end. */
  private play(): void {
    if (this.closing) return;
    this.advance();
    // Asterisk closed the socket here (Logoff, a failed login, a shutdown).
    if (this.finished) void this.close();
  }

  private advance(): void {
    for (;;) {
      const chunk = this.timeline[this.position];
      if (chunk === undefined) return;
      if (chunk.dir === 'tx' && !this.skip(chunk)) return;
      if (chunk.dir === 'rx') this.deliver(Buffer.from(this.mapIds(chunk.data), 'utf8'));
      this.position += 1;
    }
  }

  private mapIds(text: string): string {
    if (this.recordedToClient.size === 0) return text;
    return text.replace(/^(ActionID|CommandID): (.*)\r$/gim, (line, key: string, id: string) => {
      const mapped = this.recordedToClient.get(id);
      return mapped === undefined ? line : `${key}: ${mapped}\r`;
    });
  }

  private deliver(chunk: Buffer): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter({ value: chunk, done: false });
    } else {
      this.queue.push(chunk);
    }
  }

  private wake(): void {
    if (this.queue.length > 0) return;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.({ value: undefined, done: true });
  }
}
