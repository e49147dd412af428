/**
 * The initialisation of a modem (TS 27.007, TS 27.005): reset, echo off, numbered errors, the
 * SIM unlocked (its PIN given once, when it asks), PDU mode, the SMS centre, the storage, and
 * indications of new messages (+CMTI) and status reports (+CDS).
 */
import type { Clock } from '../../../core/clock.js'
import type { Logger } from '../../../core/logger.js'
import type { AtCommandOptions, AtResponse } from './channel.js'
import { AtError, describeResult } from './errors.js'
import { parseCpin, parseCpms } from './responses.js'

/**
 * An error the modem cannot get over by itself (a wrong PIN, a SIM asking for its PUK):
 * trying again would not help. The modem machine halts on it (its own FatalModemError,
 * the same shape: machines import nothing of ours).
 */
export interface FatalModemError {
  fatal: true
  message: string
}

export const fatal = (message: string): FatalModemError => ({ fatal: true, message })

export type RunCommand = (command: string, options?: AtCommandOptions) => Promise<AtResponse>

export interface SetupOptions {
  /** The backend's name, for the settings named in errors. */
  name: string
  pin?: string
  smsc?: string
  storage: 'SM' | 'ME'
  deliveryReports: boolean
  pollMs: number
  clock: Clock
  log: Logger
}

/** CPIN states that need someone with the SIM's codes. */
const SIM_NEEDS_PERSON: Record<string, string> = {
  'SIM PUK': 'the SIM is locked and asks for its PUK; unlock it in a phone',
  'SIM PIN2': 'the SIM asks for its PIN2',
  'SIM PUK2': 'the SIM asks for its PUK2',
  'PH-SIM PIN': 'the modem asks for a phone-to-SIM code',
}

/** Initialise the modem; rejects with a FatalModemError when someone must see to it. */
export async function setUpModem(at: RunCommand, options: SetupOptions): Promise<void> {
  const { smsc, storage, deliveryReports, log, name } = options
  await at('ATZ')
  await at('ATE0')
  await at('AT+CMEE=1')
  await unlockSim(at, options)
  try {
    await at('AT+CMGF=0')
  } catch (error) {
    if (error instanceof AtError) throw fatal(`the modem refused PDU mode (AT+CMGF=0: ${describeResult(error.result, error.code, error.detail)})`)
    throw error
  }
  if (smsc) await at(`AT+CSCA="${smsc}",${smsc.startsWith('+') ? 145 : 129}`)
  const { lines } = await at(`AT+CPMS="${storage}","${storage}","${storage}"`)
  const use = lines.find((l) => l.startsWith('+CPMS:'))
  const [read] = use ? parseCpms(use) : []
  if (read && read.total && read.used >= read.total) log.warn({ backend: name, ...read, storage }, `the ${storage} storage is full (${read.used}/${read.total}): reading it now`)
  const ds = deliveryReports ? 1 : 0
  // Mode 2 keeps indications in the modem while a command runs; some modems only have mode 1.
  for (const cnmi of [`AT+CNMI=2,1,0,${ds},0`, `AT+CNMI=1,1,0,${ds},0`]) {
    try {
      await at(cnmi)
      return
    } catch (error) {
      if (!(error instanceof AtError)) throw error
    }
  }
  log.warn({ backend: name }, `the modem refused new-message indications (AT+CNMI); its storage is listed every ${options.pollMs} ms instead`)
}

async function simState(at: RunCommand): Promise<string> {
  try {
    const { lines } = await at('AT+CPIN?')
    return parseCpin(lines.find((l) => l.startsWith('+CPIN:')) ?? '+CPIN: READY')
  } catch (error) {
    // 10 not inserted, 13 failure, 15 wrong: someone must see to the SIM. Others (14 busy): again later.
    if (error instanceof AtError && [10, 13, 15].includes(error.code ?? -1)) throw fatal(`the SIM is not usable (${describeResult(error.result, error.code)})`)
    throw error
  }
}

/** The PIN is given once: the SIM locks itself after three wrong ones. */
async function unlockSim(at: RunCommand, { pin, name, clock }: SetupOptions): Promise<void> {
  const state = await simState(at)
  if (state === 'READY') return
  if (state in SIM_NEEDS_PERSON) throw fatal(SIM_NEEDS_PERSON[state]!)
  if (state !== 'SIM PIN') throw fatal(`the SIM is in an unknown state: ${state}`)
  if (!pin) throw fatal(`the SIM asks for its PIN: set backends.${name}.pin`)
  try {
    await at(`AT+CPIN="${pin}"`)
  } catch (error) {
    if (error instanceof AtError) {
      throw fatal(`the SIM refused the PIN (${describeResult(error.result, error.code, error.detail)}); check backends.${name}.pin: the SIM locks itself after three wrong PINs, so it is not tried again`)
    }
    throw error
  }
  // Some SIMs take a few seconds after the PIN before they answer READY.
  for (let wait = 0; wait < 10; wait++) {
    const after = await simState(at)
    if (after === 'READY') return
    if (after === 'SIM PIN') throw fatal('the SIM still asks for its PIN after it was accepted')
    await clock.sleep(1000)
  }
  throw fatal('the SIM did not become ready after its PIN')
}
