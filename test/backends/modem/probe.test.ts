import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rapidsms } from '../../support/cli.js'
import { ModemSimulator } from '../../support/modem-simulator.js'
import { ptyPair, type PtyPair } from '../../support/pty.js'

describe('rapidsms modem probe', () => {
  let pty: PtyPair
  let sim: ModemSimulator
  beforeAll(async () => {
    pty = await ptyPair()
    sim = await ModemSimulator.open(pty.dce, { capacity: 30 })
    sim.preload('+254700000001', 'waiting')
  })
  afterAll(async () => {
    await sim.close()
    await pty.close()
  })

  it('prints who the modem is and how it is, without a project', async () => {
    const result = await rapidsms(['modem', 'probe', '--port', pty.dte], { cwd: pty.dir })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout.split('\n')).toEqual([
      `Probing the modem at ${pty.dte} (115200 baud)...`,
      `  ok  Modem:           answers on ${pty.dte}`,
      '  ok  Manufacturer:    SIMULATOR',
      '  ok  Model:           SIM900-like',
      '  ok  Revision:        Revision 1.0',
      '  ok  IMEI:            490154203237518',
      '  ok  SIM:             ready',
      '  ok  Signal quality:  20/31, -73 dBm (excellent)',
      '  ok  Registration:    registered, home network',
      '  ok  Operator:        SIM OPERATOR',
      '  ok  SMS centre:      +15550000000',
      '  ok  Storage:         SM 1/30, SM 1/30, SM 1/30',
      'The modem looks ready for the modem backend.',
      '',
    ])
    // It changed nothing: no reset, no PDU mode, no indications.
    expect(sim.commands.filter((c) => /^AT(Z|\+CMGF=|\+CNMI=|\+CPMS=)/.test(c))).toEqual([])
  })

  it('says what to check when nothing answers', async () => {
    await sim.close()
    const result = await rapidsms(['modem', 'probe', '--port', pty.dte, '--timeout', '300'], { cwd: pty.dir })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`NO  Modem:           no answer to AT on ${pty.dte}: check the device and the baud rate (115200)`)
    expect(result.stdout).toContain('The modem did not answer')
    await sim.attach(pty.dce)
  })

  it('names the option when the port cannot be opened', async () => {
    const result = await rapidsms(['modem', 'probe', '--port', '/dev/ttyUSB-not-here'], { cwd: pty.dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^rapidsms: Invalid setting "--port": cannot open \/dev\/ttyUSB-not-here/)
  })
})
