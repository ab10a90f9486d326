import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A real Asterisk to test against, and how to let it go. */
export interface LiveAsterisk {
  /** `ami://manager:secret@host:port` of a server running `asterisk-etc/`. */
  url: string;
  /** Where it came from, for the test names. */
  source: 'ASTERISK_AMI_URL' | 'testcontainers';
  stop(): Promise<void>;
}

const ETC = join(dirname(fileURLToPath(import.meta.url)), '../../asterisk-etc');
/** Any image whose entrypoint runs Asterisk with /etc/asterisk; override with ASTERISK_IMAGE. */
const DEFAULT_IMAGE = 'andrius/asterisk:22';

/**
 * Finds a real Asterisk for the live suite: `ASTERISK_AMI_URL` when set (a server you run with
 * `asterisk-etc/`), else a container started with testcontainers when a Docker engine answers. The
 * reason is always given, so a skipped suite says why.
 */
export async function findLiveAsterisk(): Promise<{ live?: LiveAsterisk; reason: string }> {
  const url = process.env.ASTERISK_AMI_URL;
  if (url) {
    return {
      live: { url, source: 'ASTERISK_AMI_URL', stop: async () => {} },
      reason: 'ASTERISK_AMI_URL is set',
    };
  }
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    return {
      reason: `ASTERISK_AMI_URL is not set and no Docker engine answers (${firstLine(error)})`,
    };
  }
  const image = process.env.ASTERISK_IMAGE ?? DEFAULT_IMAGE;
  try {
    // Host networking: manager.conf binds and permits 127.0.0.1 only, as the examples expect.
    const container = await new GenericContainer(image)
      .withNetworkMode('host')
      .withCopyFilesToContainer(
        readdirSync(ETC).map((file) => ({
          source: join(ETC, file),
          target: `/etc/asterisk/${file}`,
        })),
      )
      .withWaitStrategy(Wait.forLogMessage(/Asterisk Ready|Manager registered action/))
      .withStartupTimeout(120_000)
      .start();
    return {
      live: {
        url: 'ami://manager:secret@127.0.0.1:5038',
        source: 'testcontainers',
        stop: async () => {
          await container.stop();
        },
      },
      reason: `started ${image} with testcontainers`,
    };
  } catch (error) {
    return { reason: `Docker answers but ${image} did not start (${firstLine(error)})` };
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
