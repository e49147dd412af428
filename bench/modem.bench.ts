/**
 * The modem benchmark (`npm run bench -- modem`), on a real pty with the modem simulator:
 *   {"bench":"modem","direction":"send","messages":1000,"seconds":N,"msgPerSec":N,"allowedPerSec":10,"ofAllowed":0.99,"lost":0,"duplicated":0,"cmgsDelayMs":100,...}
 *   {"bench":"modem","direction":"receive","messages":1000,"seconds":N,"msgPerSec":N,"lost":0,"duplicated":0,"simSlots":30,...}
 * MODEM_BENCH_MESSAGES and MODEM_BENCH_CMGS_DELAY_MS change the run (defaults 1000 and 100 ms).
 */
import { benchReceive, benchSend } from './support/modem.js'

const messages = Number(process.env.MODEM_BENCH_MESSAGES ?? 1000)
const delay = Number(process.env.MODEM_BENCH_CMGS_DELAY_MS ?? 100)

for (const figures of [await benchSend(messages, delay), await benchReceive(messages)]) {
  process.stdout.write(`${JSON.stringify(figures)}\n`)
  if (figures.lost || figures.duplicated) process.exitCode = 1
}
