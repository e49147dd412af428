import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AtChannel } from '../../../src/backends/modem/at/channel.js'
import { AtClosedError, AtError, AtTimeoutError } from '../../../src/backends/modem/at/errors.js'
import type { Unsolicited } from '../../../src/backends/modem/at/parser.js'
import { parseCmgl, parseCpms, parseCreg, parseCsq } from '../../../src/backends/modem/at/responses.js'
import { FakeClock } from '../../../src/testing/index.js'

function channel() {
  const clock = new FakeClock()
  const written: string[] = []
  const unsolicited: Unsolicited[] = []
  const at = new AtChannel({ write: (d) => written.push(d), clock, onUnsolicited: (u) => unsolicited.push(u), timeoutMs: 1000 })
  /** What the modem writes, one byte at a time as slow serial lines (and gammu) do. */
  const modem = (data: string) => {
    for (const ch of data) at.feed(ch)
  }
  return { at, clock, written, unsolicited, modem }
}

describe('the AT channel', () => {
  it('answers with the information lines on OK, dropping the echo', async () => {
    const { at, written, modem } = channel()
    const answer = at.command('AT+CSQ')
    expect(written).toEqual(['AT+CSQ\r'])
    modem('AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n')
    expect(await answer).toEqual({ command: 'AT+CSQ', lines: ['+CSQ: 20,99'] })
  })

  it('runs one command at a time', async () => {
    const { at, written, modem } = channel()
    const first = at.command('ATE0')
    const second = at.command('AT+CMGF=0')
    expect(written).toEqual(['ATE0\r'])
    modem('\r\nOK\r\n')
    await first
    expect(written).toEqual(['ATE0\r', 'AT+CMGF=0\r'])
    modem('\r\nOK\r\n')
    await second
  })

  it.each([
    ['ERROR', 'AT+CMGR=9: ERROR', undefined],
    ['+CMS ERROR: 500', 'AT+CMGR=9: +CMS ERROR: 500 (unknown error)', 500],
    ['+CMS ERROR: 321', 'AT+CMGR=9: +CMS ERROR: 321 (invalid memory index)', 321],
    ['+CME ERROR: 16', 'AT+CMGR=9: +CME ERROR: 16 (incorrect password)', 16],
    ['+CME ERROR: SIM PIN required', 'AT+CMGR=9: +CME ERROR: SIM PIN required', undefined],
  ])('names the final result %s', async (result, message, code) => {
    const { at, modem } = channel()
    const answer = at.command('AT+CMGR=9')
    modem(`\r\n${result}\r\n`)
    const error = await answer.catch((e: AtError) => e)
    expect(error).toBeInstanceOf(AtError)
    expect((error as AtError).message).toBe(message)
    expect((error as AtError).code).toBe(code)
  })

  it('hands on unsolicited results between commands and in the middle of one', async () => {
    const { at, unsolicited, modem } = channel()
    modem('\r\n+CMTI: "SM",3\r\n')
    const answer = at.command('AT+CMGL=4')
    modem('\r\n+CMGL: 1,0,,5\r\n')
    modem('\r\n+CDS: 6\r\n0006D60B91\r\n')
    modem('0004000000\r\nRING\r\n\r\nOK\r\n')
    expect((await answer).lines).toEqual(['+CMGL: 1,0,,5', '0004000000'])
    expect(unsolicited).toEqual([{ type: 'CMTI', storage: 'SM', index: 3 }, { type: 'CDS', length: 6, pdu: '0006D60B91' }, { type: 'RING' }])
  })

  it('reads +CREG: as the answer of AT+CREG?, as unsolicited otherwise', async () => {
    const { at, unsolicited, modem } = channel()
    const answer = at.command('AT+CREG?')
    modem('\r\n+CREG: 0,1\r\n\r\nOK\r\n')
    expect((await answer).lines).toEqual(['+CREG: 0,1'])
    modem('\r\n+CREG: 5\r\n')
    expect(unsolicited).toEqual([{ type: 'other', line: '+CREG: 5' }])
  })

  it('writes the PDU after the > prompt, ended by Ctrl-Z, and drops its echo', async () => {
    const { at, written, modem } = channel()
    const answer = at.command('AT+CMGS=24', { data: '0011000C9152740000009000' })
    modem('AT+CMGS=24\r\r\n')
    expect(written).toEqual(['AT+CMGS=24\r'])
    modem('> ')
    expect(written).toEqual(['AT+CMGS=24\r', '0011000C9152740000009000\x1a'])
    modem('0011000C9152740000009000\x1a\r\n+CMGS: 7\r\n\r\nOK\r\n')
    expect((await answer).lines).toEqual(['+CMGS: 7'])
  })

  it('a > in an answer is not a prompt when none is awaited', async () => {
    const { at, modem } = channel()
    const answer = at.command('ATI')
    modem('\r\n> not a prompt\r\n\r\nOK\r\n')
    expect((await answer).lines).toEqual(['> not a prompt'])
  })

  it('times out on the clock, cancels an open prompt with ESC, and goes on with the next command', async () => {
    const { at, clock, written, modem } = channel()
    const stuck = at.command('AT+CMGS=10', { data: 'AB' })
    const next = at.command('AT')
    modem('\r\n> ')
    const failed = stuck.catch((e: Error) => e)
    await clock.advance(999)
    expect(written).toEqual(['AT+CMGS=10\r', 'AB\x1a'])
    await clock.advance(1)
    expect(await failed).toBeInstanceOf(AtTimeoutError)
    expect(((await failed) as Error).message).toBe('AT+CMGS=10: no answer within 1000 ms')
    expect(written).toEqual(['AT+CMGS=10\r', 'AB\x1a', '\x1b', 'AT\r'])
    modem('\r\nOK\r\n')
    await next
  })

  it('fails what waits when the port closes, and what comes after', async () => {
    const { at } = channel()
    const running = at.command('AT')
    const waiting = at.command('AT+CSQ')
    at.close('the port closed (EIO)')
    await expect(running).rejects.toBeInstanceOf(AtClosedError)
    await expect(waiting).rejects.toThrow('AT+CSQ: the port closed (EIO)')
    await expect(at.command('AT')).rejects.toBeInstanceOf(AtClosedError)
  })
})

describe('answers read', () => {
  it('+CMGL, +CPMS, +CSQ, +CREG', () => {
    expect(parseCmgl(['+CMGL: 1,0,,36', 'AA', '+CMGL: 4,1,"x",20', 'BB'])).toEqual([
      { index: 1, stat: 0, length: 36, pdu: 'AA' },
      { index: 4, stat: 1, length: 20, pdu: 'BB' },
    ])
    expect(parseCpms('+CPMS: "SM",3,30,"ME",0,255,"SM",3,30')).toEqual([
      { storage: 'SM', used: 3, total: 30 },
      { storage: 'ME', used: 0, total: 255 },
      { storage: 'SM', used: 3, total: 30 },
    ])
    expect(parseCsq('+CSQ: 20,99')).toEqual({ rssi: 20, ber: 99, dbm: -73 })
    expect(parseCsq('+CSQ: 99,99').dbm).toBeUndefined()
    expect(parseCreg('+CREG: 0,5')).toEqual({ stat: 5, text: 'registered, roaming' })
  })
})

/** The exchanges of a captured transcript: what the program sent, what the modem answered. */
function exchanges(file: string): { dte: string; dce: string }[] {
  const events: { dir: 'DTE' | 'DCE'; data: string }[] = []
  for (const line of readFileSync(new URL(`./fixtures/transcripts/${file}`, import.meta.url), 'utf8').split('\n')) {
    const head = /^\s*[\d.]+ (DTE|DCE)> (.*)$/.exec(line)
    const more = /^\s*[\d.]+ {4}(.*)$/.exec(line)
    const text = (head?.[2] ?? more?.[1])?.replaceAll('<CR>', '\r').replaceAll('<LF>', '\n').replaceAll('<^Z>', '\x1a').replaceAll('<ESC>', '\x1b')
    if (text === undefined) continue
    const dir = head ? (head[1] as 'DTE' | 'DCE') : events.at(-1)?.dir
    if (!dir) continue
    if (events.at(-1)?.dir === dir) events.at(-1)!.data += text
    else events.push({ dir, data: text })
  }
  const out: { dte: string; dce: string }[] = []
  for (const event of events) {
    if (event.dir === 'DTE') out.push({ dte: event.data, dce: '' })
    else if (out.length) out.at(-1)!.dce += event.data
  }
  return out
}

const TRANSCRIPTS = ['kannel-at-cmti.txt', 'kannel-at-auto-cmt.txt', 'kannel-at-simbuffering.txt', 'gammu-getallsms.txt', 'gammu-sendsms.txt', 'smstools.txt']

describe('the captured transcripts replayed: the modem answers as real programs were answered', () => {
  it.each(TRANSCRIPTS)('%s', async (file) => {
    const { at, written, unsolicited, modem } = channel()
    const finals: string[] = []
    let announced = 0
    const list = exchanges(file)
    for (let i = 0; i < list.length; i++) {
      const { dte, dce } = list[i]!
      const command = /^(AT[^\r]*)\r$/.exec(dte.replace(/^[\x1b\r]+/, ''))?.[1]
      if (!command) continue
      let data: string | undefined
      let answer = dce
      if (command.startsWith('AT+CMGS=')) {
        // The PDU goes after the prompt, with its Ctrl-Z or in a write of its own.
        let j = i + 1
        data = ''
        while (j < list.length && !data.includes('\x1a')) data += list[j++]!.dte
        answer = list.slice(i, j).map((e) => e.dce).join('')
        data = data.replace('\x1a', '')
        i = j - 1
      }
      const before = written.length
      const result = at.command(command, { data }).then(
        (r) => finals.push(`${command} OK ${r.lines.join('|')}`),
        (e: Error) => finals.push(`${command} ${e instanceof AtError ? e.result : e.message}`),
      )
      modem(answer)
      await result
      expect(written[before]).toBe(`${command}\r`)
      if (data !== undefined) expect(written[before + 1]).toBe(`${data}\x1a`)
      announced = unsolicited.length
    }
    expect(finals.length).toBeGreaterThan(5)
    expect(announced).toBe(unsolicited.length)
    // Every +CMTI and +CDS of the transcript reached the backend, with its PDU.
    const text = list.map((e) => e.dce).join('')
    expect(unsolicited.filter((u) => u.type === 'CMTI').length).toBe((text.match(/\+CMTI:/g) ?? []).length)
    expect(unsolicited.filter((u) => u.type === 'CDS').map((u) => (u as { pdu: string }).pdu)).toEqual([...text.matchAll(/\+CDS: \d+\r\n([0-9A-F]+)\r\n/g)].map((m) => m[1]))
    // The commands the programs sent were answered as the transcript shows.
    expect(finals.filter((f) => f.includes(' OK')).length).toBe((text.match(/\r\nOK\r\n/g) ?? []).length)
  })
})
