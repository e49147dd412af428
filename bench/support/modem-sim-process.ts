/**
 * The modem simulator in a process of its own, as a real modem is hardware of its own: the
 * benchmark's host and the "modem" do not share an event loop. Driven over IPC:
 *   parent -> { receive: [sender, text][] }   messages arriving from the network
 *   parent -> { report: true }               child -> { sent: string[], stored: n, waiting: n }
 * Started with the DCE path and the options as JSON: `modem-sim-process.ts <dce> <options>`.
 */
import { ModemSimulator } from '../../test/support/modem-simulator.js'

const [dce, options] = process.argv.slice(2)
const sim = await ModemSimulator.open(dce!, JSON.parse(options ?? '{}'))
process.on('message', (message: { receive?: [string, string][]; report?: boolean; stop?: boolean }) => {
  for (const [sender, text] of message.receive ?? []) sim.receive(sender, text)
  if (message.report) process.send!({ sent: sim.sent.map((s) => s.text), stored: sim.count(), waiting: sim.waiting.length })
  if (message.stop) void sim.close().then(() => process.exit(0))
})
process.send!({ ready: true })
