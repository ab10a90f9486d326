import { describe, expect, it } from 'vitest';
import { BridgeRegistry } from '../../src/actors/bridgeRegistry.js';

describe('BridgeRegistry', () => {
  it('should list members as they enter and leave', () => {
    const bridges = new BridgeRegistry();
    bridges.create('b');
    expect(bridges.enter('b', '1')).toEqual(['1']);
    expect(bridges.enter('b', '2')).toEqual(['1', '2']);
    expect(bridges.bridgeOf('2')).toBe('b');
    expect(bridges.leave('b', '1')).toEqual(['2']);
    expect(bridges.bridgeOf('1')).toBeUndefined();
  });

  it('should move a channel that enters another bridge without leaving the first', () => {
    const bridges = new BridgeRegistry();
    bridges.enter('a', '1');
    bridges.enter('b', '1');
    expect(bridges.members('a')).toEqual([]);
    expect(bridges.members('b')).toEqual(['1']);
  });

  it('should forget everything about destroyed bridges and removed channels', () => {
    const bridges = new BridgeRegistry();
    bridges.enter('a', '1');
    bridges.enter('a', '2');
    bridges.forgetChannel('1');
    bridges.destroy('a');
    expect(bridges.size).toEqual({ bridges: 0, channels: 0 });
  });
});
