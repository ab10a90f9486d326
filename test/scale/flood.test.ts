import { describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES } from '../../src/connection/socketTransport.js';
import { floodRuntime } from '../runtime/floodScenario.js';

/** The largest read a socket hands over at once. */
const ONE_READ = 64 * 1024;

/** 100 copies of the recorded load scenario (10,000 channels, 56 MB) at TCP speed. */
describe('a long event flood', () => {
  it('should keep the runtime at most MAX_BUFFERED_BYTES behind, the keepalive answered, and route every event', async () => {
    const report = await floodRuntime(100);
    expect(report.sent.channels).toBe(10_000);
    expect(report.routed).toEqual({ channels: report.sent.channels, hangups: report.sent.hangups });
    expect(report.serverStalls).toBeGreaterThan(0);
    expect(report.peakBufferedBytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + ONE_READ);
    expect(report.states).toEqual([]);
    expect(report.pingsDuringFlood).toBeGreaterThan(0);
  }, 180_000);
});
