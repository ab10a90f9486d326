import { describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES } from '../../src/connection/socketTransport.js';
import { floodRuntime } from './floodScenario.js';

/** The largest read a socket hands over at once. */
const ONE_READ = 64 * 1024;

/** A PBX that sends events faster than the runtime routes them (test/scale floods 10 times more). */
describe('an event flood', () => {
  it('should be read ahead of routing up to MAX_BUFFERED_BYTES, the PBX made to wait past it, every event routed, the keepalive answered', async () => {
    const report = await floodRuntime(10);
    expect(report.sent.channels).toBe(1000);
    expect(report.routed).toEqual({ channels: report.sent.channels, hangups: report.sent.hangups });
    expect(report.serverStalls).toBeGreaterThan(0);
    expect(report.peakBufferedBytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + ONE_READ);
    expect(report.states).toEqual([]);
    expect(report.pingsDuringFlood).toBeGreaterThan(0);
  });
});
