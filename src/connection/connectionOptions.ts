import type { ConnectionOptions } from 'node:tls';
import type { Logger } from './logger.js';
import type { ReconnectOptions } from './reconnectPolicy.js';
import type { TransportFactory } from './transport.js';

/** Settings of an {@link AmiConnection}. Only the first four are required. */
export interface AmiConnectionOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Use TLS: `true` with default verification, or Node's TLS options (`ca`, `servername`...). */
  tls?: boolean | ConnectionOptions;
  /** `plain` (default) sends the secret; `md5` uses the challenge and never sends it. */
  authType?: 'plain' | 'md5';
  /** Default timeout of every action, in ms. Default 10,000. */
  actionTimeoutMs?: number;
  /** Bound on the TCP/TLS connect and on the wait for the banner, in ms. Default 10,000. */
  connectTimeoutMs?: number;
  /** Send a `Ping` this often while connected, in ms; `false` to disable. Default 30,000. */
  keepaliveIntervalMs?: number | false;
  /**
   * How long a keepalive `Ping` may wait, from its write, with nothing at all read from the peer
   * before the peer is deemed dead: any byte (an event ahead of the answer) proves it alive and
   * restarts the wait. Default 10,000.
   */
  keepaliveTimeoutMs?: number;
  /** Reconnect after a loss (default: with the {@link ReconnectOptions} defaults); `false` not to. */
  reconnect?: ReconnectOptions | false;
  /** Also apply the reconnect policy when the very first connection fails. Default false. */
  retryFirstConnect?: boolean;
  /**
   * Actions called while (re)connecting: `wait` (default) queues them until logged in, bounded by
   * `maxWaitingActions` and by each action's own timeout; `reject` fails them at once with
   * `AmiConnectionClosedError`.
   */
  whileDisconnected?: 'wait' | 'reject';
  /** Most actions that may wait for the connection at once. Default 1,000. */
  maxWaitingActions?: number;
  /**
   * Most actions sent and not yet answered at once (a slow PBX makes them pile up); past it an
   * action is refused at once with `AmiTooManyActionsError`, unsent. Keepalive pings and login do
   * not count. Default 10,000.
   */
  maxActionsInFlight?: number;
  /** The `Events` field of `Login`: `on`, `off`, or a class mask (`call,agent`). Default: not sent. */
  events?: 'on' | 'off' | string;
  /** Most item events a `listAction` collects before rejecting. Default 50,000. */
  maxListItems?: number;
  /** Largest AMI message accepted, in bytes. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Where to log (the secret and MD5 key are never logged). Default: `warn` level to stderr. */
  logger?: Logger;
  /** Replaces `<process>-<connection>` in ActionIDs (predictable IDs for tests and replays). */
  actionIdPrefix?: string;
  /** Opens the byte stream; replaces TCP/TLS (for tests or custom tunnels). */
  transport?: TransportFactory;
}
