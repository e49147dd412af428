import { probeModem } from '../../backends/modem/index.js'
import { ConfigError } from '../../core/errors.js'

/**
 * `rapidsms modem probe --port P`: what the modem at P says about itself, one line a
 * question, as it answers. Exit code 1 when it does not answer.
 */
export async function modemProbe(options: { port: string; baudRate: number; timeout: number }, out: (line: string) => void): Promise<boolean> {
  out(`Probing the modem at ${options.port} (${options.baudRate} baud)...`)
  let report
  try {
    report = await probeModem(options.port, {
      baudRate: options.baudRate,
      timeoutMs: options.timeout,
      progress: (line) => out(`  ${line.ok ? 'ok ' : 'NO '} ${`${line.label}:`.padEnd(16)} ${line.value}`),
    })
  } catch (error) {
    throw new ConfigError('--port', `cannot open ${options.port}: ${(error as Error).message}`)
  }
  const problems = report.lines.filter((l) => !l.ok)
  if (!report.answered) out('The modem did not answer: check the device (ls /dev/ttyUSB* /dev/ttyACM*), that nothing else holds it (ModemManager, another rapidsms), and the baud rate.')
  else if (problems.length) out(`${problems.length} thing(s) to look at: ${problems.map((p) => p.label).join(', ')}.`)
  else out('The modem looks ready for the modem backend.')
  return report.answered
}
