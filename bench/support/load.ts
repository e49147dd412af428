/**
 * The load generator of the HTTP benchmark, run as its own process so it does not share
 * the server's event loop: autocannon POSTing the workload's messages as forms, for
 * `duration` seconds or, given `amount`, exactly that many requests, each answered before
 * the run ends (none cut off, so every request the server took is one counted here). Prints
 * the autocannon result, its own CPU time, the seconds from the first request to the last
 * answer, the rate of answers over the run's second half, and the run's bursts (moments
 * when at least half the connections' requests finished over 20 ms together; see
 * bursts.ts) as one JSON line.
 */
import autocannon, { type Result } from 'autocannon'
import { identityOf, text } from '../workload.js'
import { findBursts } from './bursts.js'

/** How many phones send; each connection sends for its own share of them, in turn. */
const identities = 2000

const { url, connections, duration, amount } = JSON.parse(process.argv[2]!) as { url: string; connections: number; duration: number; amount?: number }
const request = (n: number) => ({ body: `identity=${encodeURIComponent(identityOf(n))}&text=${encodeURIComponent(text(n))}` })
// Each connection gets its own phones as pre-built requests (autocannon encodes each once
// and cycles through them), so the load generator spends its CPU on sending, not on building
// requests, and no two connections write to one conversation at once. Not the whole list
// per connection: autocannon copies and encodes a connection's requests when it starts it,
// and the clock of the run is already going then.
let clients = 0
const started = process.cpuUsage()
// When each request finished (epoch ms) and how long it took, to find the bursts.
let done: Float64Array = new Float64Array(1 << 18)
let latency: Float64Array = new Float64Array(1 << 18)
let answered = 0
const startedAt = performance.timeOrigin + performance.now()
const result = await new Promise<Result>((resolve, reject) => {
  const instance = autocannon(
    {
      url,
      connections,
      ...(amount ? { amount } : { duration }),
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: request(0).body,
      setupClient: (client) => {
        const client_ = clients++
        const mine = Array.from({ length: Math.ceil(identities / connections) }, (_, i) => i * connections + client_).filter((n) => n < identities)
        client.setRequests(mine.map(request))
      },
    },
    (error, result) => (error ? reject(error) : resolve(result)),
  )
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    if (answered === done.length) {
      done = grow(done)
      latency = grow(latency)
    }
    done[answered] = performance.timeOrigin + performance.now()
    latency[answered++] = responseTime
  })
})
const cpu = process.cpuUsage(started)
const bursts = findBursts(done, latency, answered, { slowMs: 20, minSlow: Math.ceil(connections / 2) })
// Our own clock, not the result's duration: autocannon notices the last answer only at its
// next one-second sample.
const lastAt = answered ? done[answered - 1]! : startedAt
const seconds = (lastAt - startedAt) / 1000
const halfway = startedAt + (lastAt - startedAt) / 2
let secondHalf = 0
for (let i = 0; i < answered; i++) if (done[i]! > halfway) secondHalf++
const tailRate = seconds > 0 ? secondHalf / (seconds / 2) : 0
process.stdout.write(`${JSON.stringify({ result, cpu, bursts, seconds, tailRate })}\n`)

function grow(array: Float64Array): Float64Array {
  const bigger = new Float64Array(array.length * 2)
  bigger.set(array)
  return bigger
}
