import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

/**
 * Paths pino blanks in every log line: AMI fields (`Secret`, `Key`) wherever an action is logged,
 * and the `secret` / `password` of any options object. The library also redacts action fields
 * itself before logging them, so a caller's own logger without these paths leaks nothing either.
 */
export const REDACTED_PATHS: readonly string[] = [
  'secret',
  'password',
  'Secret',
  'Key',
  '*.secret',
  '*.password',
  '*.Secret',
  '*.Key',
  '*.*.secret',
  '*.*.password',
  '*.*.Secret',
  '*.*.Key',
];

/** Options of {@link createLogger}: pino's, plus where to write. */
export interface CreateLoggerOptions extends LoggerOptions {
  /** Where lines go (default: stdout). */
  destination?: DestinationStream;
}

/**
 * A pino logger with octostate's redaction. The level defaults to `OCTOSTATE_LOG_LEVEL`, else
 * `info`.
 *
 * @example
 * const logger = createLogger({ level: 'debug' });
 * logger.info({ options: { secret: 's3cret' } }, 'connecting'); // "secret":"[Redacted]"
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const { destination, ...pinoOptions } = options;
  const settings: LoggerOptions = {
    name: 'octostate',
    level: process.env.OCTOSTATE_LOG_LEVEL ?? 'info',
    ...pinoOptions,
    redact: { paths: [...REDACTED_PATHS], censor: '[Redacted]' },
  };
  return destination ? pino(settings, destination) : pino(settings);
}

let defaultLogger: Logger | undefined;

/**
 * The logger used when none is passed in: level `OCTOSTATE_LOG_LEVEL`, else `warn` (a library
 * should stay quiet unless something goes wrong), to stderr.
 */
export function getDefaultLogger(): Logger {
  defaultLogger ??= createLogger({
    level: process.env.OCTOSTATE_LOG_LEVEL ?? 'warn',
    destination: pino.destination(2),
  });
  return defaultLogger;
}
