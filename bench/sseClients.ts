/**
 * SSE clients of an inspector, in a process of their own so that reading and parsing their
 * streams is not counted against the runtime's event loop: `node --import tsx bench/sseClients.ts
 * <url> <clients>`. Each client reads `/events` and counts bytes and messages; a line of JSON with
 * the totals is printed every 500 ms and once more on SIGTERM, then it exits.
 */
import { request } from 'node:http';

const [url = '', countText = '1'] = process.argv.slice(2);
const count = Number(countText);
const totals = { clients: 0, connected: 0, bytes: 0, messages: 0, closed: 0, errors: 0 };

function open(): void {
  totals.clients += 1;
  const req = request(`${url}events`, (res) => {
    totals.connected += 1;
    let tail = '';
    res.setEncoding('utf8').on('data', (chunk: string) => {
      totals.bytes += chunk.length;
      const text = tail + chunk;
      let at = text.indexOf('\n\n');
      let from = 0;
      while (at >= 0) {
        totals.messages += 1;
        from = at + 2;
        at = text.indexOf('\n\n', from);
      }
      tail = text.slice(from);
    });
    res.on('end', () => {
      totals.closed += 1;
    });
    res.on('error', () => {});
  });
  req.on('error', () => {
    totals.errors += 1;
  });
  req.end();
}

for (let n = 0; n < count; n++) open();
const report = (): void => {
  process.stdout.write(`${JSON.stringify(totals)}\n`);
};
const timer = setInterval(report, 500);
process.on('SIGTERM', () => {
  clearInterval(timer);
  report();
  process.exit(0);
});
