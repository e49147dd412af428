import { RapidSMSError } from '../../../core/errors.js'

/**
 * A PDU could not be decoded or a message could not be encoded. `field` names the TPDU field
 * at fault (`TP-UDL`, `TP-OA`, `SMSC`...), `offset` the octet where decoding stopped.
 */
export class PduError extends RapidSMSError {
  override name = 'PduError'
  constructor(
    readonly field: string,
    reason: string,
    readonly offset?: number,
  ) {
    super(offset === undefined ? `${field}: ${reason}` : `${field} (octet ${offset}): ${reason}`)
  }
}
