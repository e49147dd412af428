/**
 * A gateway that only says yes, for the bulk benchmark, in its own process: a plain
 * node:http server answering every request `200 OK` with keep-alive, counting the requests
 * (and the distinct identities) it got. It sends { port } over IPC when listening; on
 * 'count' answers { requests, identities, cpu }; it exits once the benchmark is gone.
 */
import { createServer } from 'node:http'

let requests = 0
const identities = new Set<string>()
const server = createServer((req, res) => {
  let body = ''
  req.setEncoding('latin1')
  req.on('data', (chunk: string) => (body += chunk))
  req.on('end', () => {
    requests++
    const identity = new URLSearchParams(body).get('identity')
    if (identity) identities.add(identity)
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' })
    res.end('OK')
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }))
// Gone with the benchmark, however it ends.
process.on('disconnect', () => process.exit(0))
process.on('message', (message: { type: string }) => {
  if (message.type === 'count') process.send!({ requests, identities: identities.size, cpu: process.cpuUsage() })
})
