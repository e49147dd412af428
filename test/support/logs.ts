import { configureLogging } from '../../src/index.js'

export interface LogLine {
  level: number
  name: string
  msg: string
  [key: string]: unknown
}

/** Collect log lines (parsed) until stop() is called; warnings and errors only by default. */
export function captureLogs(level: 'debug' | 'info' | 'warn' = 'info'): { lines: LogLine[]; stop(): void } {
  const lines: LogLine[] = []
  configureLogging({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } })
  return {
    lines,
    stop: () => configureLogging({ level: 'silent', destination: process.stdout }),
  }
}
