/**
 * The GSM modem backend: `rapidsms/backends/modem`.
 */
export * from './pdu/index.js'
