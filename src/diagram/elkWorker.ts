import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import elkApi, { type ELKConstructorArguments, type ELK as ElkApi } from 'elkjs/lib/elk-api.js';

/** ELK's constructor: a CommonJS module whose export is also its `default`. */
const ELK = (elkApi as unknown as { default: new (args?: ELKConstructorArguments) => ElkApi })
  .default;

/**
 * The worker's code: ELK's own dispatcher (`elk-worker.min.js`, which in Node exports a
 * `FakeWorker`) behind a worker-thread message port.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Worker: ElkDispatcher } = require(workerData.elkWorker);
const elk = new ElkDispatcher();
elk.onmessage = (event) => parentPort.postMessage(event.data);
parentPort.on('message', (message) => elk.postMessage(message));
`;

/** An ELK instance whose layouts run in a worker thread, and how to stop that thread. */
export interface ElkInWorker {
  readonly elk: ElkApi;
  close(): Promise<void>;
}

/**
 * ELK running in a worker thread: a layout of a large statechart takes a few hundred ms of CPU,
 * which must not stall the event loop of a runtime (the inspector draws charts while calls run).
 * The thread is `unref`ed and ends with `close()`.
 *
 * @example
 * const { elk, close } = elkInWorker();
 * try { await elk.layout(graph); } finally { await close(); }
 */
export function elkInWorker(): ElkInWorker {
  const elkWorker = createRequire(import.meta.url).resolve('elkjs/lib/elk-worker.min.js');
  const thread = new Worker(WORKER_CODE, { eval: true, workerData: { elkWorker } });
  thread.unref();
  // ELK's promises are settled by messages carrying the request's id: if the thread dies (ELK
  // throws outside its own handler), each request still waiting is answered with the error.
  const waiting = new Set<unknown>();
  const port: { onmessage?: (event: { data: unknown }) => void } & Record<string, unknown> = {
    postMessage: (message: { id?: unknown }) => {
      waiting.add(message.id);
      thread.postMessage(message);
    },
    terminate: () => void thread.terminate(),
  };
  thread.on('message', (data: { id?: unknown }) => {
    waiting.delete(data.id);
    port.onmessage?.({ data });
  });
  thread.on('error', (error) => {
    for (const id of [...waiting]) port.onmessage?.({ data: { id, error: String(error) } });
    waiting.clear();
  });
  const elk = new ELK({ workerFactory: () => port as never });
  return {
    elk,
    close: async () => {
      await thread.terminate();
    },
  };
}
