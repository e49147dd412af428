import pretty from 'pino-pretty'

/**
 * Log lines for a person at a terminal: `[14:03:07.412] INFO (rapidsms.cli): RapidSMS is
 * ready {"url":"http://127.0.0.1:8000",...}`: the local time, the level, the logger's name,
 * the message, and the line's other fields after it, one line per entry.
 */
export function prettyLines(fd: 1 | 2 = 1): { write(line: string): void } {
  return pretty({ destination: fd, colorize: (fd === 1 ? process.stdout : process.stderr).isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', messageKey: 'msg', singleLine: true, sync: true })
}
