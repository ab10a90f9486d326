import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, runTsx } from '../support/spawnTsx.js';

/**
 * The examples run as a user runs them (`npx tsx examples/<name>.ts`), on the embedded PBX (no
 * `ASTERISK_AMI_URL`), bounded by their `*_SECONDS` variable, and show what their header promises.
 */
afterEach(() => killLeftovers());

/** Output lines with chanwatch's time stamps removed and amiwatch's padding collapsed. */
function lines(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.replace(/^\s*\d+\.\d\ds /, '').replace(/ {2,}/g, ' '));
}

describe('examples on the embedded PBX', () => {
  it('amiwatch should print each AMI event with the state of the channel actor it moved, then counts', async () => {
    const run = runTsx('examples/amiwatch.ts', [], { AMIWATCH_SECONDS: '6' });
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toBe('');
    const printed = lines(run.stdout());
    expect(printed[0]).toBe('-- connection connected');
    // The hello call (401): both halves appear, answer, play, hang up; each line ends with the
    // state its channel actor reached on that event.
    const one = 'Local/401@default-00000000;1';
    const two = 'Local/401@default-00000000;2';
    expect(printed).toContain(`Newchannel ${one} ChannelState=0 Exten=401 -> down`);
    expect(printed).toContain(`Newchannel ${two} ChannelState=4 Exten=401 -> ringing`);
    expect(printed).toContain(
      `Newexten ${two} ChannelState=4 Exten=401 Application=Answer -> ringing`,
    );
    expect(printed).toContain(`Newstate ${two} ChannelState=6 Exten=401 -> answered`);
    expect(printed).toContain(`Newstate ${one} ChannelState=6 Exten=401 -> answered`);
    expect(printed).toContain(
      `VarSet ${two} ChannelState=6 Exten=401 Variable=PLAYBACKSTATUS Value=SUCCESS -> answered`,
    );
    expect(printed).toContain(`Hangup ${two} ChannelState=6 Exten=401 Cause=16 -> hungUp`);
    expect(printed).toContain(`Hangup ${one} ChannelState=6 Exten=401 Cause=16 -> hungUp`);
    // Events about no channel (or not one of ours) carry no state.
    expect(printed).toContain('FullyBooted ');
    expect(printed).toContain('DialEnd DialStatus=ANSWER');
    const summary = printed.slice(printed.indexOf('-- events seen:') + 1);
    expect(summary).toEqual(expect.arrayContaining([' 2 Newchannel', ' 2 Newstate', ' 2 Hangup']));
    expect(printed.at(-2)).toBe('-- connection closed');
  }, 60_000);

  it('chanwatch should print channel actors, variables, state changes, bridges, hang-ups and removals', async () => {
    const run = runTsx('examples/chanwatch.ts', [], { CHANWATCH_SECONDS: '7' });
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toBe('');
    const printed = lines(run.stdout());
    expect(printed[0]).toBe('connection connected');
    expect(printed).toContain('resync: 0 up, 0 lost');
    const appeared = printed.filter((line) => line.startsWith('+ '));
    expect(appeared.map((line) => line.replace(/ \(\d+\.\d+\)/, ''))).toEqual([
      '+ Local/401@default-00000000;1 at default/401',
      '+ Local/401@default-00000000;2 at default/401',
      '+ Local/402@default-00000001;1 at default/402',
      '+ Local/402@default-00000001;2 at default/402',
      '+ Local/agent@default-00000002;1 at default/agent',
      '+ Local/agent@default-00000002;2 at default/agent',
    ]);
    // Variables as they accumulate.
    expect(printed).toContain(' Local/401@default-00000000;1 AsyncOrigId=chanwatch-1');
    expect(printed).toContain(' Local/401@default-00000000;2 PLAYBACKSTATUS=SUCCESS');
    expect(printed).toContain(' Local/402@default-00000001;2 DIALSTATUS=ANSWER');
    // State changes, the bridge, hang-ups with their cause.
    expect(printed).toContain(' Local/401@default-00000000;2: ringing -> answered');
    expect(printed).toContain(' Local/402@default-00000001;2: answered -> answered+dialing');
    expect(printed).toContain(' Local/402@default-00000001;2: answered -> answered+bridged');
    expect(printed).toContain(' Local/agent@default-00000002;1: answered -> answered+bridged');
    expect(printed).toContainEqual(
      expect.stringMatching(/^ bridge [0-9a-f]{8} enter \[\d+\.\d+, \d+\.\d+\]$/),
    );
    expect(printed).toContainEqual(expect.stringMatching(/^ bridge [0-9a-f]{8} destroy \[\]$/));
    expect(printed.filter((line) => / hung up: 16 Normal Clearing$/.test(line))).toHaveLength(6);
    // Each actor is removed after the linger; nothing is live at the end.
    expect(printed.filter((line) => / removed\)$/.test(line))).toHaveLength(6);
    expect(printed).toContain('live channels: 0');
  }, 60_000);
});
