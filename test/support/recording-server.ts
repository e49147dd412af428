import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  /** Path and query as sent. */
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export interface RecordingServer {
  url: string
  requests: RecordedRequest[]
  /** What to answer (default 200 'OK'); may be changed between tests. */
  answer: (request: RecordedRequest) => { status: number; body?: string; delayMs?: number }
  close(): Promise<void>
}

/** A loopback HTTP server that records every request it gets (a gateway stand-in). */
export async function recordingServer(): Promise<RecordingServer> {
  const state: RecordingServer = {
    url: '',
    requests: [],
    answer: () => ({ status: 200, body: 'OK' }),
    close: async () => undefined,
  }
  // Gateways read long request lines: Kannel's sendsms answers 202 to a GET of 20 KB (a
  // reply of thousands of characters in its `text`); Node's default limit is 16 KB.
  const server: Server = createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      state.requests.push(request)
      const { status, body = '', delayMs = 0 } = state.answer(request)
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(body), delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return state
}
