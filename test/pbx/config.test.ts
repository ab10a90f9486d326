import { describe, expect, it } from 'vitest';
import { parseIni } from '../../src/pbx/config/ini.js';
import { parseManagerConf } from '../../src/pbx/config/managerConf.js';
import { parseExtensions } from '../../src/pbx/dialplan/parseExtensions.js';

describe('parseIni', () => {
  it('should read sections, both assignment arrows and comments', () => {
    const s = parseIni('top = 1\n[a]\nk = v ; comment\nx => y\\;z\n; only a comment\n[b]\n');
    expect(s).toEqual([
      { name: '', entries: [['top', '1']] },
      {
        name: 'a',
        entries: [
          ['k', 'v'],
          ['x', 'y;z'],
        ],
      },
      { name: 'b', entries: [] },
    ]);
  });
});

describe('parseManagerConf', () => {
  it('should expand read/write classes and read channelvars', () => {
    const conf = parseManagerConf(
      '[general]\nchannelvars = A,B\n[manager]\nsecret = s\nread = all\nwrite = all\n[limited]\nsecret = l\nread = call\nwrite = originate\n',
    );
    expect(conf.channelVars).toEqual(['A', 'B']);
    expect(conf.users.get('manager')?.read.has('security')).toBe(true);
    const limited = conf.users.get('limited');
    expect(limited?.secret).toBe('l');
    expect([...(limited?.read ?? [])]).toEqual(['call']);
    expect([...(limited?.write ?? [])]).toEqual(['originate']);
    expect(conf.users.has('general')).toBe(false);
  });
});

describe('parseExtensions', () => {
  it('should number n priorities and split application data', () => {
    const plan = parseExtensions(
      '[general]\nstatic = yes\n[default]\nexten => 401,1,Answer()\n same => n,Playback(silence/1&hello-world)\n same => n(end),Hangup()\nexten => 5,1,Dial(Local/agent@default,20)\n',
    );
    expect(plan.has('general')).toBe(false);
    expect(plan.get('default')?.get('401')).toEqual([
      { priority: 1, app: 'Answer', data: '' },
      { priority: 2, app: 'Playback', data: 'silence/1&hello-world' },
      { priority: 3, app: 'Hangup', data: '', label: 'end' },
    ]);
    expect(plan.get('default')?.get('5')?.[0]).toEqual({
      priority: 1,
      app: 'Dial',
      data: 'Local/agent@default,20',
    });
  });
});
