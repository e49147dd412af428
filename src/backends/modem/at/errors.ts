/**
 * Final results that are errors (3GPP TS 27.007 9.2, TS 27.005 3.2.5), with the names of
 * their codes, and which `+CMS ERROR`s are worth sending again.
 */
import { RapidSMSError } from '../../../core/errors.js'

/** +CME ERROR codes (TS 27.007 9.2.1) a modem backend meets. */
export const CME_ERRORS: Readonly<Record<number, string>> = {
  0: 'phone failure',
  3: 'operation not allowed',
  4: 'operation not supported',
  5: 'PH-SIM PIN required',
  10: 'SIM not inserted',
  11: 'SIM PIN required',
  12: 'SIM PUK required',
  13: 'SIM failure',
  14: 'SIM busy',
  15: 'SIM wrong',
  16: 'incorrect password',
  17: 'SIM PIN2 required',
  18: 'SIM PUK2 required',
  20: 'memory full',
  21: 'invalid index',
  22: 'not found',
  23: 'memory failure',
  30: 'no network service',
  31: 'network timeout',
  32: 'network not allowed - emergency calls only',
  100: 'unknown',
}

/** +CMS ERROR codes (TS 27.005 3.2.5; 0-127 are RP causes of TS 24.011 E.2, 128-255 TP-FCS of TS 23.040 9.2.3.22). */
export const CMS_ERRORS: Readonly<Record<number, string>> = {
  1: 'unassigned (unallocated) number',
  8: 'operator determined barring',
  10: 'call barred',
  21: 'short message transfer rejected',
  27: 'destination out of service',
  28: 'unidentified subscriber',
  29: 'facility rejected',
  30: 'unknown subscriber',
  38: 'network out of order',
  41: 'temporary failure',
  42: 'congestion',
  47: 'resources unavailable',
  50: 'requested facility not subscribed',
  69: 'requested facility not implemented',
  81: 'invalid short message transfer reference value',
  95: 'invalid message',
  96: 'invalid mandatory information',
  97: 'message type non-existent or not implemented',
  98: 'message not compatible with short message protocol state',
  99: 'information element non-existent or not implemented',
  111: 'protocol error',
  127: 'interworking',
  128: 'telematic interworking not supported',
  129: 'short message type 0 not supported',
  130: 'cannot replace short message',
  143: 'unspecified TP-PID error',
  144: 'data coding scheme (alphabet) not supported',
  145: 'message class not supported',
  159: 'unspecified TP-DCS error',
  160: 'command cannot be actioned',
  161: 'command unsupported',
  175: 'unspecified TP-Command error',
  176: 'TPDU not supported',
  192: 'SC busy',
  193: 'no SC subscription',
  194: 'SC system failure',
  195: 'invalid SME address',
  196: 'destination SME barred',
  197: 'SM rejected - duplicate SM',
  198: 'TP-VPF not supported',
  199: 'TP-VP not supported',
  208: 'SIM SMS storage full',
  209: 'no SMS storage capability in SIM',
  210: 'error in MS',
  211: 'memory capacity exceeded',
  212: 'SIM application toolkit busy',
  213: 'SIM data download error',
  255: 'unspecified error cause',
  300: 'ME failure',
  301: 'SMS service of ME reserved',
  302: 'operation not allowed',
  303: 'operation not supported',
  304: 'invalid PDU mode parameter',
  305: 'invalid text mode parameter',
  310: 'SIM not inserted',
  311: 'SIM PIN required',
  312: 'PH-SIM PIN required',
  313: 'SIM failure',
  314: 'SIM busy',
  315: 'SIM wrong',
  316: 'SIM PUK required',
  317: 'SIM PIN2 required',
  318: 'SIM PUK2 required',
  320: 'memory failure',
  321: 'invalid memory index',
  322: 'memory full',
  330: 'SMSC address unknown',
  331: 'no network service',
  332: 'network timeout',
  340: 'no +CNMA acknowledgement expected',
  500: 'unknown error',
}

// A message the network or the SIM refused for what it is: sending it again changes nothing.
const PERMANENT_CMS = new Set([1, 8, 10, 21, 28, 29, 30, 50, 69, 81, 95, 96, 97, 98, 99, 111, 193, 195, 196, 197, 198, 199, 209, 301, 303, 304, 305, 310, 311, 312, 313, 315, 316, 317, 318, 330])

/**
 * Is a `+CMS ERROR` code temporary (congestion, no network, the modem busy, `500`
 * unknown...)? Those are retried with backoff; the others fail the message at once.
 */
export function isTemporaryCmsError(code: number): boolean {
  if (PERMANENT_CMS.has(code)) return false
  // TP-PID, TP-DCS and TP-Command errors: the PDU itself is refused.
  return !(code >= 128 && code <= 191)
}

export type FinalError = 'ERROR' | '+CME ERROR' | '+CMS ERROR' | 'NO CARRIER' | 'BUSY' | 'NO ANSWER' | 'NO DIALTONE' | 'COMMAND NOT SUPPORT'

/** A command ended in an error result. `code` is set for numeric +CME/+CMS errors. */
export class AtError extends RapidSMSError {
  override name = 'AtError'
  constructor(
    readonly command: string,
    readonly result: FinalError,
    readonly code?: number,
    readonly detail?: string,
  ) {
    super(`${command}: ${describeResult(result, code, detail)}`)
  }
}

/** `+CMS ERROR: 500 (unknown error)`, `+CME ERROR: 16 (incorrect password)`, `ERROR`. */
export function describeResult(result: FinalError, code?: number, detail?: string): string {
  if (code !== undefined) {
    const name = (result === '+CMS ERROR' ? CMS_ERRORS : CME_ERRORS)[code]
    return `${result}: ${code}${name ? ` (${name})` : ''}`
  }
  return detail ? `${result}: ${detail}` : result
}

/** No final result came in time: the modem is gone or wedged. */
export class AtTimeoutError extends RapidSMSError {
  override name = 'AtTimeoutError'
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`${command}: no answer within ${timeoutMs} ms`)
  }
}

/** The port closed (the modem was unplugged) with commands waiting. */
export class AtClosedError extends RapidSMSError {
  override name = 'AtClosedError'
  constructor(
    readonly command: string,
    reason: string,
  ) {
    super(`${command}: ${reason}`)
  }
}
