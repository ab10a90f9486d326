import { afterEach, describe, expect, it } from 'vitest';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { runFastAgiScenario } from '../fastagi/scenarioDriver.js';
import { FASTAGI_SCENARIOS } from '../fastagi/scenarios.js';
import {
  agiChannelEvents,
  fastAgiTranscript,
  readFastAgiTrace,
  received,
} from '../fastagi/transcript.js';

/**
 * The embedded PBX held to FastAGI sessions recorded against a real Asterisk 22: the same scenario
 * (same AMI actions, same AGI commands, same keys and hang-ups at the same moments) must make it
 * write what Asterisk wrote on the FastAGI connection, and publish the same events for the channel
 * that ran AGI.
 */
describe('FastAGI on the embedded PBX, against the real Asterisk recordings', () => {
  let pbx: PbxHandle | undefined;
  afterEach(async () => {
    await pbx?.stop();
    pbx = undefined;
  });

  for (const scenario of FASTAGI_SCENARIOS) {
    it(`should replay ${scenario.name}: ${scenario.summary}`, async () => {
      pbx = await startPbx({ port: 0 });
      const capture = await runFastAgiScenario({ host: '127.0.0.1', port: pbx.port }, scenario);
      expect(fastAgiTranscript(received(capture.agi))).toEqual(
        fastAgiTranscript(readFastAgiTrace(scenario.name, 'fastagi')),
      );
      expect(agiChannelEvents(received(capture.ami))).toEqual(
        agiChannelEvents(readFastAgiTrace(scenario.name, 'ami')),
      );
    });
  }
});
