import type { AmiMessage } from '../../protocol/message.js';
import type { Fields } from '../events/types.js';
import type { Pbx } from '../Pbx.js';
import type { AmiSession } from '../server/AmiSession.js';

/** What an action handler gets: the request, its session, the PBX, and a way to answer. */
export interface ActionContext {
  readonly pbx: Pbx;
  readonly session: AmiSession;
  readonly message: AmiMessage;
  readonly actionId: string | undefined;
  /** Sends `Response: <response>`, the ActionID (when the request had one), then `fields`. */
  reply(response: 'Success' | 'Error' | 'Goodbye', fields?: Fields): void;
  /** Sends an event to this session only (list items), with the ActionID after the name. */
  listItem(event: string, fields: Fields): void;
  /** Server-level operations some actions need. */
  readonly server: ServerControl;
}

/** The part of the AMI server that actions can drive. */
export interface ServerControl {
  /** Asterisk's security events go to every session with `security` read access. */
  securityEvent(name: string, fields: Fields): void;
  /** `core restart now`: hang up, announce, close, come back. */
  restart(origin?: AmiSession): Promise<void>;
  /** Seconds since (re)start, for FullyBooted and CoreStatus. */
  uptime(): number;
}

/** An action handler (`Action: <Name>`). */
export type ActionHandler = (ctx: ActionContext) => void | Promise<void>;

/** `Message` reply helper. */
export function message(text: string): Fields {
  return [['Message', text]];
}

/** AMI booleans: `true`, `yes`, `1`, `on`. */
export function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^(true|yes|1|on|y|t)$/i.test(v.trim());
}
