import type { ServerResponse } from 'node:http'
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
 * where Node sends none; logged as a refusal; the connection is then closed. When the bytes
 * follow a whole request still being answered (pipelined), that answer goes first: Node
 * would write its 400 before it, or in the middle of it.
 */
export function answerClientError(error: Error & { code?: string; reason?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const [status, text] = STATUS[error.code ?? ''] ?? [400, 'Bad Request']
  const reason = error.reason ?? error.message.replace(/^Parse Error: /, '')
  log.warn({ ip: socket.remoteAddress, status, code: error.code, reason }, 'request refused')
  const body = `The request is not valid HTTP: ${reason}.\n`
  const answer = () => {
    if (!socket.writable) return socket.destroy()
    socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
    // A peer that never closes its side does not keep the socket.
    socket.setTimeout(5_000, () => socket.destroy())
  }
  // Garbage after a whole request still being answered (pipelined): its answer goes first.
  // An error in the request itself (its body cut off or broken) is answered now.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
  if (inFlight && inFlight.req.complete && !inFlight.writableFinished) inFlight.once('finish', answer).once('close', () => socket.writable || socket.destroy())
  else answer()
}
