/**
 * The load generator of the HTTP benchmark, run as its own process so it does not share
 * the server's event loop: autocannon POSTing the workload's messages as forms. Prints the
 * autocannon result and its own CPU time as one JSON line.
 */
import autocannon from 'autocannon'
import { identities, text } from '../workload.js'

const { url, connections, duration } = JSON.parse(process.argv[2]!) as { url: string; connections: number; duration: number }
let n = 0
const result = await autocannon({
  url,
  connections,
  duration,
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  requests: [
    {
      setupRequest: (request: Record<string, unknown>) => {
        n++
        return { ...request, body: `identity=${1_000_000 + (n % identities)}&text=${text(n)}` }
      },
    },
  ],
})
process.stdout.write(`${JSON.stringify({ result, cpu: process.cpuUsage() })}\n`)
