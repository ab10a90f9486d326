import { pathToFileURL } from 'node:url';
import { type PbxHandle, type PhoneConfig, startPbx } from 'octostate/pbx';

/** Where a demo runs: a real Asterisk (`ASTERISK_AMI_URL`) or the embedded PBX. */
export interface DemoBackend {
  /** AMI URL with credentials. */
  readonly url: string;
  /** The embedded PBX, when the demo runs on it (the demo then places its own calls). */
  readonly pbx: PbxHandle | undefined;
  stop(): Promise<void>;
}

/**
 * The demos' backend: `ASTERISK_AMI_URL` when set (a real Asterisk running `asterisk-etc/`),
 * otherwise an embedded PBX on an ephemeral 127.0.0.1 port with the given simulated phones.
 *
 * @example
 * const backend = await demoBackend({ phones: [{ name: 'alice' }] });
 * const runtime = createRuntime({ url: backend.url });
 */
export async function demoBackend(options: { phones?: PhoneConfig[] } = {}): Promise<DemoBackend> {
  const external = process.env.ASTERISK_AMI_URL;
  if (external) return { url: external, pbx: undefined, stop: async () => {} };
  const pbx = await startPbx({ port: 0, ...(options.phones ? { phones: options.phones } : {}) });
  return {
    url: pbx.url.replace('ami://', 'ami://manager:secret@'),
    pbx,
    stop: () => pbx.stop(),
  };
}

/** Whether the module at `url` (its `import.meta.url`) is the script node was started with. */
export function isMain(url: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(script).href === url;
}

/** A timestamped line on stdout (the demos' output). */
export function say(started: number, text: string): void {
  console.log(`${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s ${text}`);
}
