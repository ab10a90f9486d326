import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, runTsx } from '../support/spawnTsx.js';

afterEach(() => killLeftovers());

/** URLs whose secret is not percent-encoded, with the part of the secret that must never show. */
const BAD_URLS = [
  { url: 'ami://manager:LEAK/me1@127.0.0.1:5038', hidden: ['LEAK', 'me1'], hint: '%2F' },
  { url: 'ami://manager:LE@KME@127.0.0.1:5038', hidden: ['LE@', 'KME'], hint: '%40' },
  { url: 'ami://manager:100%LEAK@127.0.0.1:5038', hidden: ['LEAK'], hint: '%25' },
];

describe('a secret that is not percent-encoded in the URL', () => {
  for (const command of ['start', 'watch']) {
    it(`should make octostate ${command} name the secret, say how to encode it and exit 2, never echoing it`, async () => {
      const runs = BAD_URLS.map((bad, i) => ({
        bad,
        // Once as --url, once as ASTERISK_AMI_URL.
        run:
          i % 2 === 0
            ? runTsx('src/cli/main.ts', [command, '--url', bad.url])
            : runTsx('src/cli/main.ts', [command], { ASTERISK_AMI_URL: bad.url }),
      }));
      for (const { bad, run } of runs) {
        expect((await run.exit).code).toBe(2);
        const printed = run.stdout() + run.stderr();
        expect(run.stderr()).toContain('secret');
        expect(run.stderr()).toContain(bad.hint);
        for (const hidden of bad.hidden) expect(printed).not.toContain(hidden);
        expect(printed).not.toContain('URI malformed');
        expect(run.stdout()).not.toContain('ami://');
      }
    });
  }
});
