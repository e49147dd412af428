/**
 * The load generator of the HTTP benchmark, run as its own process so it does not share
 * the server's event loop: autocannon POSTing the workload's messages as forms. Prints the
 * autocannon result and its own CPU time as one JSON line.
 */
import autocannon from 'autocannon'
import { identityOf, text } from '../workload.js'

/** How many phones send; each connection sends for its own share of them, in turn. */
const identities = 2000

const { url, connections, duration, rate } = JSON.parse(process.argv[2]!) as { url: string; connections: number; duration: number; rate?: number }
const request = (n: number) => ({ body: `identity=${encodeURIComponent(identityOf(n))}&text=${encodeURIComponent(text(n))}` })
// Each connection gets its own phones as pre-built requests (autocannon encodes each once
// and cycles through them), so the load generator spends its CPU on sending, not on building
// requests, and no two connections write to one conversation at once. Not the whole list
// per connection: autocannon copies and encodes a connection's requests when it starts it,
// and the clock of the run is already going then.
let clients = 0
const started = process.cpuUsage()
const result = await autocannon({
  url,
  connections,
  duration,
  // A fixed offered rate; latencies are then corrected for coordinated omission (a request
  // the server's slowness kept from being sent on time counts from when it was due).
  ...(rate ? { overallRate: rate } : {}),
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: request(0).body,
  setupClient: (client) => {
    const client_ = clients++
    const mine = Array.from({ length: Math.ceil(identities / connections) }, (_, i) => i * connections + client_).filter((n) => n < identities)
    client.setRequests(mine.map(request))
  },
})
process.stdout.write(`${JSON.stringify({ result, cpu: process.cpuUsage(started) })}\n`)
