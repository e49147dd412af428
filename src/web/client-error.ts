import type { Socket } from 'node:net'
import { getLogger } from '../core/logger.js'

const log = getLogger('rapidsms.web')

/** Node's answers to requests its parser refused, by error code; 400 for the rest. */
const STATUS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
}

/**
 * Node's own answer to a request its HTTP parser cannot read (a bad Content-Length, headers
 * too large, an invalid header character, a broken chunk), with a line saying what was wrong
 * where Node sends none; logged as a refusal. As Node does, nothing is written once an answer
 * to the request has begun, and the connection is closed.
 */
export function answerClientError(error: Error & { code?: string; reason?: string }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy()
    return
  }
  const [status, text] = STATUS[error.code ?? ''] ?? [400, 'Bad Request']
  const reason = error.reason ?? error.message.replace(/^Parse Error: /, '')
  log.warn({ ip: socket.remoteAddress, status, code: error.code, reason }, 'request refused')
  const body = `The request is not valid HTTP: ${reason}.\n`
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  // A peer that never closes its side does not keep the socket.
  socket.setTimeout(5_000, () => socket.destroy())
}
