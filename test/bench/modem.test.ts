import { describe, expect, it } from 'vitest'
import { benchReceive, benchSend } from '../../bench/support/modem.js'

// The short form of `npm run bench -- modem`: the same runs with few messages. Timings are
// the benchmark's to report, not the test's to assert.
describe('the modem benchmark, short', () => {
  it('sends 20 messages: none lost, none duplicated', async () => {
    const figures = await benchSend(20, 5)
    expect(figures).toMatchObject({ bench: 'modem', direction: 'send', messages: 20, lost: 0, duplicated: 0 })
  }, 60_000)

  it('receives 60 messages on a SIM of 30 slots: none lost, none duplicated', async () => {
    const figures = await benchReceive(60)
    expect(figures).toMatchObject({ bench: 'modem', direction: 'receive', messages: 60, lost: 0, duplicated: 0, leftOnSim: 0 })
  }, 60_000)
})
