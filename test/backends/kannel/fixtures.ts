import { readFileSync } from 'node:fs'
import type { InboundRequest } from '../../../src/backends/http/index.js'

/** Requests and answers captured from a real Kannel 1.4.5 with fakesmsc. */
export const captured = JSON.parse(readFileSync(new URL('./fixtures/kannel-1.4.5-fakesmsc.json', import.meta.url), 'utf8')) as {
  mo: Record<string, { fakesmsc_line: string; requestline: string | null }>
  mo_recode_true: Record<string, string>
  dlr_callbacks: string[]
  sendsms_answers: Record<string, [number, string]>
  mt_fakesmsc_lines: string[]
}

/** `GET /path?query HTTP/1.1` -> the request a backend view reads. */
export function fromRequestLine(line: string): InboundRequest & { path: string } {
  const target = line.split(' ')[1]!
  const q = target.indexOf('?')
  return { method: 'GET', path: q < 0 ? target : target.slice(0, q), query: q < 0 ? '' : target.slice(q + 1), body: new Uint8Array() }
}
