// A flow tested with no PBX at all: the IVR against scripted callers, checking the AGI commands it
// sent and what it returned. The same checks run unchanged with `runtime.handle` on a real call.
import { strict as assert } from 'node:assert';
import { ivrMachine } from 'octostate';
import { createActor, toPromise } from 'xstate';
import { scriptedCall } from './scriptedCall.js';

const run = async (script: Parameters<typeof scriptedCall>[0]) => {
  const { call, log } = scriptedCall(script);
  const output = await toPromise(createActor(ivrMachine, { input: { call } }).start());
  return { output, log };
};

// The right passcode, then 2: goodbye.
const goodbye = await run({ typed: ['12345'], keys: ['2'] });
assert.equal(goodbye.output.outcome, 'goodbye');
assert.deepEqual(goodbye.log, [
  'ANSWER',
  'GET DATA agent-pass',
  'STREAM FILE vm-press "12"',
  'STREAM FILE vm-goodbye ""',
  'HANGUP',
]);

// The right passcode, then 1: the agent is dialled.
const connected = await run({ typed: ['12345'], keys: ['1'] });
assert.equal(connected.output.outcome, 'connected');
assert.ok(connected.log.includes('EXEC Dial Local/agent@default'));

// Three wrong codes: denied, after the retry prompts.
const denied = await run({ typed: ['1', '2', '3'] });
assert.equal(denied.output.outcome, 'denied');
assert.equal(denied.output.passcode?.attempts, 3);

// The caller hangs up during the menu.
const gone = await run({ typed: ['12345'], hangUpAfter: 3 });
assert.equal(gone.output.outcome, 'gone');

console.log('the IVR passed 4 scripted calls without a PBX');
