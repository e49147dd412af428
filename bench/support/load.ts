/**
 * The load generator of the HTTP benchmark, run as its own process so it does not share
 * the server's event loop: autocannon POSTing the workload's messages as forms. Prints the
 * autocannon result and its own CPU time as one JSON line.
 */
import autocannon from 'autocannon'
import { identityOf, text } from '../workload.js'

/** How many phones send; each connection starts at another one. */
const identities = 2000

const { url, connections, duration } = JSON.parse(process.argv[2]!) as { url: string; connections: number; duration: number }
// Pre-built requests (autocannon encodes each once and cycles through them), so the load
// generator spends its CPU on sending, not on building requests. Each connection starts at
// another phone, so they do not all write to one conversation at once.
const requests = Array.from({ length: identities }, (_, n) => ({ body: `identity=${encodeURIComponent(identityOf(n))}&text=${encodeURIComponent(text(n))}` }))
let clients = 0
const result = await autocannon({
  url,
  connections,
  duration,
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  requests,
  setupClient: (client) => {
    const start = Math.floor((clients++ * identities) / connections)
    client.setRequests([...requests.slice(start), ...requests.slice(0, start)])
  },
})
process.stdout.write(`${JSON.stringify({ result, cpu: process.cpuUsage() })}\n`)
