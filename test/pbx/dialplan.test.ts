import { describe, expect, it } from 'vitest';
import { agiWords } from '../../src/pbx/agi/commands.js';
import { Channel } from '../../src/pbx/channels/Channel.js';
import { substitute } from '../../src/pbx/dialplan/substitute.js';
import { soundMs, soundSamples } from '../../src/pbx/sounds.js';
import { encodeAgiText } from '../../src/protocol/agiEnv.js';

function channel(): Channel {
  const ch = new Channel({
    name: 'Local/401@default-00000000;2',
    tech: 'Local',
    uniqueid: '1795808402.1',
    linkedid: '1795808402.0',
    state: 6,
    context: 'default',
    exten: '401',
    device: 'Local/401@default',
    createdAt: 0,
  });
  ch.callerNum = '5550401';
  ch.callerName = 'Hello Test';
  ch.vars.set('FOO', 'bar');
  return ch;
}

describe('substitute', () => {
  it('should expand channel variables, globals, built-ins and functions', () => {
    const globals = new Map([['G', 'global']]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dialplan ${VAR} syntax, not a template
    expect(substitute('${FOO}-${G}-${EXTEN}@${CONTEXT}', channel(), globals)).toBe(
      'bar-global-401@default',
    );
    expect(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dialplan ${VAR} syntax, not a template
      substitute('${CALLERID(num)} ${CALLERID(name)} ${CHANNEL(state)}', channel(), globals),
    ).toBe('5550401 Hello Test Up');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dialplan ${VAR} syntax, not a template
    expect(substitute('${MISSING}x', channel(), globals)).toBe('x');
  });

  it('should evaluate simple $[...] expressions', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dialplan ${VAR} syntax, not a template
    expect(substitute('$[${FOO} = bar]', channel(), new Map())).toBe('1');
    expect(substitute('$[3 > 4]', channel(), new Map())).toBe('0');
  });
});

describe('AGI helpers', () => {
  it('should URL-encode like the recorded AsyncAGI events', () => {
    expect(encodeAgiText('200 result=0\n')).toBe('200%20result%3D0%0A');
    expect(encodeAgiText('agi_channel: Local/403@default-00000001;2')).toBe(
      'agi_channel%3A%20Local%2F403%40default-00000001%3B2',
    );
  });

  it('should split command words honouring quotes', () => {
    expect(agiWords('GET DATA beep 8000 5')).toEqual(['GET', 'DATA', 'beep', '8000', '5']);
    expect(agiWords('SET VARIABLE X "a b"')).toEqual(['SET', 'VARIABLE', 'X', 'a b']);
  });
});

describe('sounds', () => {
  it('should know silence/N and the measured hello-world length', () => {
    expect(soundSamples('silence/3')).toBe(24000);
    expect(soundMs('hello-world')).toBe(1420);
    expect(soundSamples('no-such-file')).toBeUndefined();
  });
});

describe('numberFiles', () => {
  it('should spell numbers as the English core sounds', async () => {
    const { numberFiles } = await import('../../src/pbx/agi/sayNumber.js');
    expect(numberFiles(7)).toEqual(['digits/7']);
    expect(numberFiles(42)).toEqual(['digits/40', 'digits/2']);
    expect(numberFiles(1305)).toEqual([
      'digits/1',
      'digits/thousand',
      'digits/3',
      'digits/hundred',
      'digits/5',
    ]);
    expect(numberFiles(-3)).toEqual(['digits/minus', 'digits/3']);
  });
});
