import { pino, type Logger, type Level } from 'pino'
import { environment } from './environment.js'

/** Where log lines go: stdout unless a test or the CLI points it elsewhere. */
let destination: { write(line: string): void } = process.stdout
const proxy = { write: (line: string) => destination.write(line) }

const root: Logger = pino(
  { base: undefined, level: environment.logLevel ?? 'info' },
  proxy,
)
const children = new Map<string, Logger>()

/**
 * Point every `rapidsms.*` logger at a level and a destination, now and later.
 * @example configureLogging({ level: 'warn' })
 */
export function configureLogging(options: { level?: Level | 'silent'; destination?: { write(line: string): void } }): void {
  if (options.destination) destination = options.destination
  if (options.level) {
    root.level = options.level
    for (const child of children.values()) child.level = options.level
  }
}

/**
 * A child logger named like RapidSMS's loggers (`rapidsms.router`, `rapidsms.backends.kannel`).
 * @example getLogger('rapidsms.router').info({ msgId }, 'message received')
 */
export function getLogger(name: string): Logger {
  let logger = children.get(name)
  if (!logger) {
    logger = root.child({ name })
    children.set(name, logger)
  }
  return logger
}

export type { Logger }
