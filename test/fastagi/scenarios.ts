import type { FastAgiScenario } from './scenarioDriver.js';

/**
 * The FastAGI scenarios recorded against a real Asterisk 22 (`npm run record:fastagi`, files in
 * `test/fixtures/fastagi-traces/`) and replayed against the embedded PBX
 * (`test/pbx/fastAgiConformance.e2e.test.ts`). Extensions 404 and 501 of `asterisk-etc`.
 */
export const FASTAGI_SCENARIOS: readonly FastAgiScenario[] = [
  {
    name: 'fastagi-hello',
    exten: '404',
    summary:
      'the environment (script path, query, arguments); ANSWER, STREAM FILE, SET/GET VARIABLE, an ' +
      'unknown command (510), usage errors (520), EXEC; the server closes: HANGUP line, AGISTATUS ' +
      'SUCCESS, the dialplan goes on',
    steps: [
      { command: 'ANSWER' },
      { command: 'STREAM FILE beep ""' },
      { command: 'SET VARIABLE GREETING "hello world"' },
      { command: 'GET VARIABLE GREETING' },
      { command: 'GET VARIABLE NOSUCHVARIABLE' },
      { command: 'FLY AWAY' },
      { command: 'WAIT FOR DIGIT' },
      { command: 'STREAM FILE' },
      { command: 'EXEC Playback beep' },
      { close: true },
    ],
  },
  {
    name: 'fastagi-dtmf',
    exten: '501',
    summary:
      'GET DATA with digits typed after the prompt, STREAM FILE stopped by a key, WAIT FOR DIGIT; ' +
      'the caller hangs up during a prompt: result -1, a HANGUP line, 511 for ANSWER, GET VARIABLE ' +
      'still answered (dead mode); the server closes: AGISTATUS HANGUP',
    steps: [
      { command: 'ANSWER' },
      { command: 'GET DATA beep 3000 5', dtmf: { digits: '12345', delayMs: 900 } },
      { command: 'SET VARIABLE PIN 12345' },
      { command: 'STREAM FILE hello-world 123', dtmf: { digits: '2', delayMs: 600 } },
      { command: 'WAIT FOR DIGIT 5000', dtmf: { digits: '#', delayMs: 400 } },
      { command: 'STREAM FILE hello-world ""', callerHangsUpAfterMs: 600 },
      { command: 'ANSWER' },
      { command: 'GET VARIABLE PIN' },
      { close: true },
    ],
  },
  {
    name: 'fastagi-hangup',
    exten: '404',
    summary:
      'AGI HANGUP: result 1, then a HANGUP line; NOOP still answered (dead mode), STREAM FILE 511; ' +
      'the server closes',
    steps: [
      { command: 'ANSWER' },
      { command: 'HANGUP' },
      { command: 'NOOP' },
      { command: 'STREAM FILE beep ""' },
      { close: true },
    ],
  },
  {
    name: 'fastagi-unreachable',
    exten: '404',
    summary: 'nothing listens at the FastAGI address: AGISTATUS FAILURE, the dialplan goes on',
    unreachable: true,
    steps: [],
  },
];
