import { describeChannel, type Runtime } from 'octostate';
import type { AmiConnection } from 'octostate/connection';

/** What the application saw of one channel: state labels, AGI exchanges, how it ended. */
export interface SeenChannel {
  /** Name with its sequence number replaced by its order of appearance in the run. */
  readonly name: string;
  /** `describeChannel` labels in order, repeats collapsed. */
  readonly states: string[];
  /** `COMMAND -> result` for every AGI command Asterisk ran on the channel. */
  readonly agi: string[];
  /** `16 Normal Clearing`, or `lost` for a channel lost while the runtime was away. */
  hangup?: string;
}

/** Everything a run saw, by normalised channel name, plus notes the scenario adds. */
export interface Observation {
  readonly channels: Record<string, Omit<SeenChannel, 'name'>>;
  readonly notes: Record<string, unknown>;
}

/**
 * Records what a runtime sees, the way an application would: its bus (channel appearing, state
 * labels, hang-ups) and the AGI commands run on its AMI session (`AGIExecStart` names the command,
 * the `AsyncAGIExec` that follows on the same channel carries Asterisk's reply).
 */
export class Observer {
  private readonly byUniqueid = new Map<string, SeenChannel>();
  private readonly byChannelName = new Map<string, SeenChannel>();
  private readonly sequences = new Map<string, number>();
  /** AGI commands started and not yet answered, per channel name. */
  private readonly running = new Map<string, string[]>();
  readonly notes: Record<string, unknown> = {};
  /** Called after every change recorded (see {@link Observer.waitFor}). */
  private readonly listeners = new Set<() => void>();

  constructor(runtime: Runtime, client: AmiConnection) {
    runtime.bus.on('channel', ({ uniqueid, ref }) => {
      const snapshot = ref.getSnapshot();
      const seen: SeenChannel = {
        name: this.normalise(snapshot.context.name),
        states: [describeChannel(snapshot)],
        agi: [],
      };
      this.byUniqueid.set(uniqueid, seen);
      this.byChannelName.set(snapshot.context.name, seen);
    });
    runtime.bus.on('channelState', ({ uniqueid, state, name }) => {
      const seen = this.byUniqueid.get(uniqueid);
      if (!seen) return;
      this.byChannelName.set(name, seen);
      if (seen.states.at(-1) !== state) seen.states.push(state);
    });
    runtime.bus.on('hangup', ({ uniqueid, output }) => {
      const seen = this.byUniqueid.get(uniqueid);
      if (!seen) return;
      seen.hangup = output.lost ? 'lost' : `${output.cause} ${output.causeText}`;
      if (seen.states.at(-1) !== 'hungUp') seen.states.push('hungUp');
    });
    client.bus.on('event', (event) => {
      const channel = event.get('Channel') ?? '';
      if (event.name === 'AGIExecStart') {
        const queue = this.running.get(channel) ?? [];
        queue.push(event.get('Command') ?? '');
        this.running.set(channel, queue);
      } else if (event.name === 'AsyncAGIExec') {
        const command = this.running.get(channel)?.shift() ?? '?';
        const result = withoutUuids(
          interruptedPosition(decodeURIComponent(event.get('Result') ?? '').trim()),
        );
        this.byChannelName.get(channel)?.agi.push(`${command} -> ${result}`);
      }
      for (const listener of [...this.listeners]) listener();
    });
    runtime.bus.on('*', () => {
      for (const listener of [...this.listeners]) listener();
    });
  }

  /** `Local/401@default-0000001a;2` -> `Local/401@default-#1;2`, numbered in order of appearance. */
  normalise(name: string): string {
    return name.replace(/-([0-9a-f]{8})(?=;|$)/, (_, sequence: string) => {
      let index = this.sequences.get(sequence);
      if (index === undefined) {
        index = this.sequences.size + 1;
        this.sequences.set(sequence, index);
      }
      return `-#${index}`;
    });
  }

  /** The channels seen so far, by normalised name. */
  observation(): Observation {
    const channels: Record<string, Omit<SeenChannel, 'name'>> = {};
    for (const { name, ...rest } of this.byUniqueid.values())
      channels[name] = structuredClone(rest);
    return { channels, notes: structuredClone(this.notes) };
  }

  /**
   * Resolves once `probe` holds for what was recorded (checked after every bus event and every AMI
   * event); rejects with `what` after `timeoutMs`.
   */
  waitFor(
    probe: (seen: SeenChannel[]) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!probe([...this.byUniqueid.values()])) return;
        finish();
        resolve();
      };
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Channels that have not hung up yet. */
  get live(): number {
    return [...this.byUniqueid.values()].filter((seen) => seen.hangup === undefined).length;
  }
}

/**
 * Where a stream stood when a key or a hang-up cut it short depends on when that came, which no
 * two runs share: `200 result=-1 endpos=160` is kept as `200 result=-1 endpos=(cut)`. A stream
 * played to its end (`result=0`) keeps its position, the length of the file.
 */
function interruptedPosition(result: string): string {
  return result.replace(/^(200 result=(?!0 )-?\d+ endpos=)\d+$/, '$1(cut)');
}

/** Random ids the application made (the `AsyncOrigId` of `originateToAgi`), as `(uuid)`. */
function withoutUuids(text: string): string {
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '(uuid)');
}
