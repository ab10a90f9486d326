import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the verbatim real-Asterisk recordings (copied from shared/ami-traces). */
export const TRACES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/ami-traces');

/** One chunk of a recorded connection, as it crossed the socket. */
export interface TimelineChunk {
  t: number;
  dir: 'rx' | 'tx';
  data: string;
}

/** Every scenario file base name (`hello`, `actions.limited`, ...) that has an rx recording. */
export function traceNames(): string[] {
  return readdirSync(TRACES_DIR)
    .filter((file) => file.endsWith('.rx.txt'))
    .map((file) => file.slice(0, -'.rx.txt'.length))
    .sort();
}

/** The bytes a client received (`rx`) or sent (`tx`) in a scenario. */
export function readTrace(name: string, dir: 'rx' | 'tx'): Buffer {
  return readFileSync(join(TRACES_DIR, `${name}.${dir}.txt`));
}

/** The recorded chunks of a scenario, in order. */
export function readTimeline(name: string): TimelineChunk[] {
  return readFileSync(join(TRACES_DIR, `${name}.timeline.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as TimelineChunk);
}
