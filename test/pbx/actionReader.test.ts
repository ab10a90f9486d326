import { afterEach, describe, expect, it } from 'vitest';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { ActionReader, type ReadRequest } from '../../src/pbx/server/ActionReader.js';
import {
  framingTranscript,
  framingTranscriptOf,
  FRAMING_PROBE as PROBE,
} from './helpers/framingProbe.js';

let pbx: PbxHandle | undefined;

afterEach(async () => {
  await pbx?.stop();
  pbx = undefined;
});

function summary(requests: ReadRequest[]): string[] {
  return requests.map((r) =>
    r.kind === 'error'
      ? `error ${r.message.get('ActionID')}: ${r.error}`
      : `action ${r.message.get('ActionID')}`,
  );
}

describe('ActionReader', () => {
  it('should answer overlong lines, too many headers and blank lines as Asterisk 22 does', async () => {
    pbx = await startPbx({ port: 0 });
    const url = pbx.url.replace('ami://', 'ami://manager:secret@');
    expect(await framingTranscriptOf(url)).toBe(framingTranscript());
  });

  it('should frame the same requests whatever the chunking, holding at most one buffer', () => {
    const bytes = Buffer.from(PROBE.map(([request]) => request).join(''), 'latin1');
    const whole = summary(new ActionReader().push(bytes));
    const reader = new ActionReader();
    const byByte: ReadRequest[] = [];
    for (let i = 0; i < bytes.length; i++) byByte.push(...reader.push(bytes.subarray(i, i + 1)));
    const odd = new ActionReader();
    const byOdd: ReadRequest[] = [];
    for (let i = 0; i < bytes.length; i += 1499)
      byOdd.push(...odd.push(bytes.subarray(i, i + 1499)));
    expect(summary(byByte)).toEqual(whole);
    expect(summary(byOdd)).toEqual(whole);
    expect(whole).toEqual([
      'action L',
      'error A1: Failed to parse message: line too long',
      'error A2: Failed to parse message: line too long',
      'error A3: Failed to parse message: line too long',
      'error A4: Failed to parse message: line too long',
      'action undefined',
      'action A5',
      'error B1: Too many lines in message or allocation failure',
      'action B2',
      'error B3: Too many lines in message or allocation failure',
      'action undefined',
      'action C1',
    ]);
  });
});
