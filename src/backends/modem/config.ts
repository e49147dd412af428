/**
 * The settings of a modem backend:
 *
 *   backends: { modem: { engine: ModemBackend, port: '/dev/ttyUSB0', baudRate: 115200,
 *     pin: '1234', smsc: '+15550000000', storage: 'SM', deliveryReports: true,
 *     concatTimeout: '10m' } }
 */
import { parseDuration } from '../../core/duration.js'
import { ConfigError } from '../../core/errors.js'
import type { BackendConfig } from '../base.js'

export interface ModemOptions {
  /** The serial device of the modem. */
  port: string
  baudRate: number
  /** The SIM PIN, sent only when the SIM asks for it. */
  pin?: string
  /** The SMS centre to set with AT+CSCA (else the SIM's own). */
  smsc?: string
  /** Where received messages are kept until they are committed: the SIM (`SM`) or the phone (`ME`). */
  storage: 'SM' | 'ME'
  /** Ask for status reports (TP-SRR) and mark transmissions delivered by them. */
  deliveryReports: boolean
  /** How long the parts of a long message may take to arrive before what came is delivered. */
  concatTimeoutMs: number
  /** How long the modem may stay quiet before an `AT` checks it. */
  keepaliveMs: number
  /** How often the storage is listed (`AT+CMGL=4`) besides the +CMTI indications. */
  pollMs: number
  /** How long a command may take to answer; `AT+CMGS` gets `sendCommandTimeout`. */
  commandTimeoutMs: number
  sendCommandTimeoutMs: number
  /** How long a message may wait for the modem (unplugged, retrying) before its send fails. */
  sendTimeoutMs: number
  /** Attempts of a part after a temporary `+CMS ERROR`, and the first wait between them (doubling). */
  sendRetries: number
  retryDelayMs: number
  /** First and longest wait before reopening a port that failed. */
  reconnectDelayMs: number
  maxReconnectDelayMs: number
}

const DEFAULTS = {
  baudRate: 115200,
  storage: 'SM',
  deliveryReports: true,
  concatTimeout: '10m',
  keepalive: '60s',
  poll: '60s',
  commandTimeout: '10s',
  sendCommandTimeout: '60s',
  sendTimeout: '1h',
  sendRetries: 4,
  retryDelay: '5s',
  reconnectDelay: '1s',
  maxReconnectDelay: '60s',
} as const

/** A key as the user writes it (camelCase), read from the lower-cased, snake_case config. */
function read(config: BackendConfig, key: string): unknown {
  const snake = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
  return config[snake] ?? config[key.toLowerCase()]
}

function duration(config: BackendConfig, key: keyof typeof DEFAULTS): number {
  const value = read(config, key) ?? DEFAULTS[key]
  try {
    return parseDuration(value as string | number, key)
  } catch {
    throw new ConfigError(key, `expected a duration in milliseconds or text such as "10m", not ${JSON.stringify(value)}`)
  }
}

/**
 * Read and check a modem backend's settings; a missing or wrong one throws a ConfigError
 * naming its key.
 */
export function modemOptions(config: BackendConfig): ModemOptions {
  const port = read(config, 'port')
  if (typeof port !== 'string' || !port.trim()) throw new ConfigError('port', 'expected the serial device of the modem, e.g. "/dev/ttyUSB0" (run "rapidsms modem probe --port <device>" to check one)')
  const baudRate = read(config, 'baudRate') ?? DEFAULTS.baudRate
  if (typeof baudRate !== 'number' || !Number.isInteger(baudRate) || baudRate <= 0) throw new ConfigError('baudRate', 'expected a speed such as 115200')
  const pin = read(config, 'pin')
  if (pin !== undefined && pin !== null && (typeof pin !== 'string' || !/^\d{4,8}$/.test(pin))) throw new ConfigError('pin', 'expected the SIM PIN as a text of 4 to 8 digits, e.g. "1234"')
  const smsc = read(config, 'smsc')
  if (smsc !== undefined && smsc !== null && (typeof smsc !== 'string' || !/^\+?\d{3,20}$/.test(smsc))) throw new ConfigError('smsc', 'expected the SMS centre number, e.g. "+15550000000"')
  const storage = read(config, 'storage') ?? DEFAULTS.storage
  if (storage !== 'SM' && storage !== 'ME') throw new ConfigError('storage', 'expected "SM" (the SIM) or "ME" (the modem\'s memory)')
  const deliveryReports = read(config, 'deliveryReports') ?? DEFAULTS.deliveryReports
  if (typeof deliveryReports !== 'boolean') throw new ConfigError('deliveryReports', 'expected true or false')
  const sendRetries = read(config, 'sendRetries') ?? DEFAULTS.sendRetries
  if (typeof sendRetries !== 'number' || !Number.isInteger(sendRetries) || sendRetries < 0) throw new ConfigError('sendRetries', 'expected a whole number >= 0')
  return {
    port,
    baudRate,
    pin: (pin as string | undefined) ?? undefined,
    smsc: (smsc as string | undefined) ?? undefined,
    storage,
    deliveryReports,
    concatTimeoutMs: duration(config, 'concatTimeout'),
    keepaliveMs: duration(config, 'keepalive'),
    pollMs: duration(config, 'poll'),
    commandTimeoutMs: duration(config, 'commandTimeout'),
    sendCommandTimeoutMs: duration(config, 'sendCommandTimeout'),
    sendTimeoutMs: duration(config, 'sendTimeout'),
    sendRetries,
    retryDelayMs: duration(config, 'retryDelay'),
    reconnectDelayMs: duration(config, 'reconnectDelay'),
    maxReconnectDelayMs: duration(config, 'maxReconnectDelay'),
  }
}
