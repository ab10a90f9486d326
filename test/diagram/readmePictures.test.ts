import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagram } from '../../src/diagram/index.js';
import { channelMachine } from '../../src/machines/channel/channelMachine.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { ROOT } from '../support/spawnTsx.js';

/**
 * The README's statechart pictures are drawn by `octostate diagram` (`npm run diagrams`), not by
 * hand: each committed file must be what the command writes now.
 */
const PICTURES = [
  {
    file: 'docs/diagrams/channel.svg',
    command: 'octostate diagram channel --out docs/diagrams/channel.svg',
    draw: () => renderDiagram(channelMachine, { format: 'svg' }),
  },
  {
    file: 'docs/diagrams/ivr.svg',
    command: 'octostate diagram ivr --invoked --out docs/diagrams/ivr.svg',
    draw: () => renderDiagram(ivrMachine, { format: 'svg', invoked: true }),
  },
];

describe("the README's statechart pictures", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts
    .diagrams as string;

  it.each(PICTURES)(
    'should show $file, as `npm run diagrams` draws it now',
    async ({ file, command, draw }) => {
      expect(readme).toContain(`](${file})`);
      expect(script.replaceAll('tsx src/cli/main.ts', 'octostate')).toContain(command);
      const committed = readFileSync(join(ROOT, file), 'utf8');
      expect(committed === (await draw()), `${file} is out of date: run npm run diagrams`).toBe(
        true,
      );
    },
    30_000,
  );
});
