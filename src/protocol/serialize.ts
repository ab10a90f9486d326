import { AmiError } from './errors.js';
import type { AmiFields, AmiMessage } from './message.js';
import { ParsedMessage } from './parsedMessage.js';

/**
 * Writes fields as one AMI message: `Key: Value` lines joined by CRLF, then the blank line.
 *
 * A CR or LF inside a key or value would end the line early and let a caller's data inject fields
 * (or whole actions) into the stream, so it is refused with an {@link AmiError}; so is a key with a
 * colon, which would split differently on the other side.
 *
 * @example
 * formatMessage([['Action', 'Ping'], ['ActionID', '1']]); // 'Action: Ping\r\nActionID: 1\r\n\r\n'
 */
export function formatMessage(fields: AmiFields): string {
  let out = '';
  for (const [key, value] of fields) {
    if (!isSafeKey(key)) throw new AmiError(`Invalid AMI key ${JSON.stringify(key)}`);
    if (!isSafeValue(value)) {
      throw new AmiError(`AMI value of ${key} contains a line break: ${JSON.stringify(value)}`);
    }
    out += `${key}: ${value}\r\n`;
  }
  return `${out}\r\n`;
}

/**
 * Builds an {@link AmiMessage} from fields, the same type the parser yields: for servers, fakes and
 * tests that make messages without going through bytes.
 *
 * @example
 * const event = createMessage([['Event', 'Hangup'], ['Uniqueid', '1.0'], ['Cause', '16']]);
 * event.get('cause'); // '16'
 */
export function createMessage(fields: AmiFields): AmiMessage {
  for (const [key, value] of fields) {
    if (!isSafeKey(key) || !isSafeValue(value)) {
      throw new AmiError(`Invalid AMI field ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
    }
  }
  return new ParsedMessage(fields.map(([key, value]) => `${key}: ${value}`).join('\r\n'));
}

function isSafeKey(key: string): boolean {
  return key.length > 0 && !/[\r\n:]/.test(key);
}

function isSafeValue(value: string): boolean {
  return !/[\r\n]/.test(value);
}
