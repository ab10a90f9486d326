import { describe, expect, it } from 'vitest';
import { leasesToTry } from '../../src/cluster/assignment.js';
import {
  callEventSubject,
  checkAsteriskId,
  decodeToken,
  encodeToken,
} from '../../src/cluster/subjects.js';

/** Pure parts of the cluster: who tries which free lease, and how ids become subject tokens. */
describe('sharing free leases out', () => {
  const asterisks = ['pbx1', 'pbx2', 'pbx3', 'pbx4', 'pbx5'];
  const view = (me: string, liveNodes: string[], holders = new Map<string, string>()) => ({
    me,
    liveNodes,
    asterisks,
    holders,
    lastHolders: new Map<string, string>(),
  });

  it('should give every free Asterisk to exactly one node, each at most its fair share', () => {
    const nodes = ['a', 'b', 'c'];
    const chosen = nodes.map((me) => leasesToTry(view(me, nodes)));
    expect(chosen.flat().sort()).toEqual(asterisks);
    for (const mine of chosen) expect(mine.length).toBeLessThanOrEqual(Math.ceil(5 / 3));
  });

  it('should leave held leases where they are and count them in the share', () => {
    const holders = new Map([
      ['pbx1', 'a'],
      ['pbx2', 'a'],
    ]);
    expect(leasesToTry(view('a', ['a', 'b', 'c'], holders))).toEqual([]);
    const others = [
      ...leasesToTry(view('b', ['a', 'b', 'c'], holders)),
      ...leasesToTry(view('c', ['a', 'b', 'c'], holders)),
    ];
    expect(others.sort()).toEqual(['pbx3', 'pbx4', 'pbx5']);
  });

  it('should pass over the last holder of a free lease, unless it is alone', () => {
    const lastHolders = new Map(asterisks.map((id) => [id, 'a']));
    expect(leasesToTry({ ...view('a', ['a', 'b']), lastHolders })).toEqual([]);
    expect(leasesToTry({ ...view('b', ['a', 'b']), lastHolders }).sort()).toEqual(asterisks);
    expect(leasesToTry({ ...view('a', ['a']), lastHolders }).sort()).toEqual(asterisks);
  });
});

describe('ids in NATS subjects', () => {
  it('should make one reversible token of any id, a Linkedid with its dot included', () => {
    for (const id of [
      '1796138456.12',
      'host-1.2',
      'a b',
      '*',
      '>',
      'x.y.z',
      'é€',
      "it's (1)!~",
      '',
      '%41',
    ]) {
      const token = encodeToken(id);
      expect(token).toMatch(/^[A-Za-z0-9_%-]+$/);
      expect(decodeToken(token)).toBe(id);
    }
    expect(callEventSubject('pbx1', '1796138456.12', 'hangup')).toBe(
      'octostate.pbx1.call.1796138456%2E12.hangup',
    );
  });

  it('should refuse an Asterisk id that cannot be a subject token or a key', () => {
    expect(checkAsteriskId('pbx-1_a')).toBe('pbx-1_a');
    for (const bad of ['', 'a.b', 'a b', '*', 'x'.repeat(65)])
      expect(() => checkAsteriskId(bad)).toThrow(TypeError);
  });
});
