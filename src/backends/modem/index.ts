/**
 * The GSM modem backend: `rapidsms/backends/modem`.
 */
import { ModemActor } from '../../../actors/modem.actor.js'
import { ModemBackend } from './backend.js'

// The backend keeps the records; the actor that owns the serial port talks to the modem.
ModemBackend.link ??= (options) => new ModemActor(options)

export { ModemBackend }
export { modemOptions, type ModemOptions } from './config.js'
export { ModemSentPart, ModemInbox } from './models.js'
export { probeModem, type ProbeReport } from './probe.js'
export { ModemSendError } from './send-queue.js'
export { AtChannel, type AtResponse } from './at/channel.js'
export { AtError, AtTimeoutError, CMS_ERRORS, CME_ERRORS, isTemporaryCmsError } from './at/errors.js'
export * from './pdu/index.js'
