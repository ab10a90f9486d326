import type { AmiMessage } from '../../src/protocol/message.js';
import { AmiParser } from '../../src/protocol/parser.js';
import { readTrace } from '../support/traces.js';

/** Every message of a recorded scenario, in the order the client received them. */
export function traceMessages(name: string): AmiMessage[] {
  const messages: AmiMessage[] = [];
  const parser = new AmiParser({ message: (m) => messages.push(m) }, { expectBanner: true });
  parser.push(readTrace(name, 'rx'));
  return messages;
}
