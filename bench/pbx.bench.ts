import { connect } from 'node:net';
import { pathToFileURL } from 'node:url';
import { startPbx } from '../src/pbx/index.js';
import { AmiParser } from '../src/protocol/parser.js';
import { formatMessage } from '../src/protocol/serialize.js';

/**
 * The embedded PBX under load: N concurrent calls (`Originate` to `Local/401@default`, which
 * answers, plays ~3.4 s and hangs up) placed over one AMI session. Prints how fast the calls are
 * set up (calls/s until every OriginateResponse), how long until every channel has hung up, the
 * AMI messages delivered, and heap per live call. Figures only: it never fails on time.
 */
export async function runPbxBench(
  calls = Number(process.env.PBX_BENCH_CALLS ?? 1000),
): Promise<void> {
  const pbx = await startPbx({ port: 0 });
  const socket = connect({ host: '127.0.0.1', port: pbx.port });
  let responses = 0;
  let failures = 0;
  let hangups = 0;
  let messages = 0;
  let loggedIn: () => void = () => {};
  let allAnswered: () => void = () => {};
  let allGone: () => void = () => {};
  const login = new Promise<void>((r) => {
    loggedIn = r;
  });
  const answered = new Promise<void>((r) => {
    allAnswered = r;
  });
  const gone = new Promise<void>((r) => {
    allGone = r;
  });
  const parser = new AmiParser({
    message: (m) => {
      messages++;
      if (m.get('ActionID') === 'login') loggedIn();
      if (m.name === 'OriginateResponse') {
        responses++;
        if (m.get('Response') !== 'Success') failures++;
        if (responses === calls) allAnswered();
      }
      if (m.name === 'Hangup' && ++hangups === calls * 2) allGone();
    },
  });
  socket.on('data', (chunk: Buffer) => parser.push(chunk));
  socket.write(
    formatMessage([
      ['Action', 'Login'],
      ['ActionID', 'login'],
      ['Username', 'manager'],
      ['Secret', 'secret'],
    ]),
  );
  await login;
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    socket.write(
      formatMessage([
        ['Action', 'Originate'],
        ['ActionID', `call-${i}`],
        ['Channel', 'Local/401@default'],
        ['Application', 'Wait'],
        ['Data', '10'],
        ['CallerID', `"Load ${i}" <${5550000 + i}>`],
        ['Async', 'true'],
        ['Variable', `AsyncOrigId=bench-${i}`],
      ]),
    );
  }
  await answered;
  const setupMs = performance.now() - start;
  const heapLive = process.memoryUsage().heapUsed;
  const live = pbx.channels().length;
  await gone;
  const totalMs = performance.now() - start;
  socket.destroy();
  await pbx.stop();
  console.log(
    [
      `pbx: ${calls} concurrent calls (${live} live channels at peak), ${failures} failed`,
      `  set up in ${setupMs.toFixed(0)} ms: ${((calls * 1000) / setupMs).toFixed(0)} calls/s`,
      `  all hung up after ${totalMs.toFixed(0)} ms (each call lasts ~3.9 s); ${messages} AMI messages delivered`,
      `  heap per live call: ${((heapLive - heapBefore) / calls / 1024).toFixed(1)} KiB (${((heapLive - heapBefore) / 1048576).toFixed(1)} MiB for ${calls})`,
    ].join('\n'),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runPbxBench();
