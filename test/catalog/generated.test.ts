import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AsteriskCatalog,
  buildCatalogModule,
  CATALOG_FILE,
  OUTPUT_FILE,
  recordedEventKeys,
  renderCatalog,
} from '../../scripts/generateCatalog.js';

describe('the generated Asterisk catalogue (src/catalog/asterisk22.ts)', () => {
  it('should be what scripts/generateCatalog.ts renders now (run npm run catalog if not)', () => {
    expect(readFileSync(OUTPUT_FILE, 'utf8')).toBe(buildCatalogModule());
  });

  it('should list every event, action and AGI command of the catalogue', () => {
    const catalog = JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as AsteriskCatalog;
    const text = renderCatalog(catalog, new Map());
    const block = (name: string) => text.slice(text.indexOf(`export interface ${name} {`));
    for (const event of Object.keys(catalog.events)) {
      expect(block('AmiEventKeys')).toContain(`\n  '${event}': `);
    }
    for (const action of Object.keys(catalog.actions)) {
      expect(block('AmiActionParams')).toMatch(new RegExp(`\\n  ${action}: `));
    }
    for (const command of Object.keys(catalog.agiCommands)) {
      expect(block('AgiCommandParams')).toContain(`\n  '${command}': [`);
    }
  });

  it('should add what the recordings show beyond the documentation', () => {
    const recorded = recordedEventKeys();
    // Real Asterisk sends Newexten although its documentation omits it, and AsyncAGIExec spells
    // its key `CommandId` where the documentation says `CommandID`.
    expect(recorded.get('Newexten')).toContain('Extension');
    expect(recorded.get('AsyncAGIExec')).toContain('CommandId');
    const module = readFileSync(OUTPUT_FILE, 'utf8');
    expect(module).toMatch(/\n {2}Newexten: ChannelSnapshotKey \| 'Extension'/);
    expect(module).toMatch(/\n {2}AsyncAGIExec:[^;]*'CommandId'/);
  });
});
