import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSerial, type SerialLink } from '../../../src/backends/modem/serial.js'
import { ModemSimulator } from '../../support/modem-simulator.js'
import { eventually } from '../../support/modem-project.js'
import { ptyPair, type PtyPair } from '../../support/pty.js'

/** The commands a program sent before its first SMS, and the modem's answers, from a transcript. */
function dialogue(file: string): { command: string; answer: string }[] {
  const out: { command: string; answer: string }[] = []
  let dir: string | undefined
  for (const line of readFileSync(new URL(`./fixtures/transcripts/${file}`, import.meta.url), 'utf8').split('\n')) {
    if (/## (inject|decoded)/.test(line) || /DTE> AT\+CMG[LRS]/.test(line)) break
    const head = /^\s*[\d.]+ (DTE|DCE)> (.*)$/.exec(line)
    const more = /^\s*[\d.]+ {4}(.*)$/.exec(line)
    const text = (head?.[2] ?? more?.[1])?.replaceAll('<CR>', '\r').replaceAll('<LF>', '\n').replaceAll('<ESC>', '\x1b')
    if (text === undefined) continue
    if (head) dir = head[1]
    if (dir === 'DTE') {
      if (head && /^AT.*\r$/.test(text)) out.push({ command: text, answer: '' })
    } else if (out.length) out.at(-1)!.answer += text
  }
  return out
}

/** Our scripted modem answers the commands of real programs byte for byte as the captured one did. */
describe('the modem simulator against the captured dialogues', () => {
  let pty: PtyPair
  let sim: ModemSimulator
  let dte: SerialLink
  let received = ''
  beforeAll(async () => {
    pty = await ptyPair()
    sim = await ModemSimulator.open(pty.dce)
    dte = await openSerial(pty.dte, 115200)
    dte.onData((chunk) => (received += chunk))
  })
  afterAll(async () => {
    await dte.close()
    await sim.close()
    await pty.close()
  })

  it.each([
    ['gammu-identify.txt', 0],
    ['kannel-at-cmti.txt', 0],
    ['gammu-getallsms.txt', 2],
  ])('%s', async (file, stored) => {
    await sim.attach(pty.dce)
    sim.storages.SM.clear()
    // As in the capture: messages already on the SIM.
    for (let i = 0; i < stored; i++) sim.preload('+254700000003', `stored ${i}`)
    const steps = dialogue(file)
    expect(steps.length).toBeGreaterThan(8)
    for (const { command, answer } of steps) {
      received = ''
      dte.write(command)
      await eventually(() => received.length >= answer.length && /(OK|ERROR|ERROR: \d+)\r\n$/.test(received), `the answer to ${JSON.stringify(command)}`, 5000)
      expect(received, command).toBe(answer)
    }
  })
})
