import type { AmiMessage } from '../protocol/message.js';
import { AmiConnectionClosedError } from './errors.js';
import type { Transport } from './transport.js';

/**
 * One transport's life inside an `AmiConnection`: its banner, the messages held back until login
 * completes, and why it ended. A reconnect starts a new session, so nothing of the old one leaks.
 */
export class Session {
  readonly transport: Transport;
  done: Promise<void> = Promise.resolve();
  /** Messages for the bus received before login completed; `undefined` once logged in. */
  early: AmiMessage[] | undefined = [];
  endError: Error | undefined;
  private banner: string | undefined;
  private isOver = false;
  private waiter: { resolve: (banner: string) => void; reject: (error: Error) => void } | undefined;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  receivedBanner(text: string): void {
    this.banner = text;
    this.waiter?.resolve(text);
    this.waiter = undefined;
  }

  ended(error: Error | undefined): void {
    this.isOver = true;
    this.waiter?.reject(
      new AmiConnectionClosedError('The connection closed before the AMI banner', {
        cause: error,
      }),
    );
    this.waiter = undefined;
  }

  waitForBanner(timeoutMs: number): Promise<string> {
    if (this.banner !== undefined) return Promise.resolve(this.banner);
    if (this.isOver) {
      return Promise.reject(
        new AmiConnectionClosedError('The connection closed before the AMI banner', {
          cause: this.endError,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new AmiConnectionClosedError(`No AMI banner within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (banner) => {
          clearTimeout(timer);
          resolve(banner);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }
}
