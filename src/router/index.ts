// The messaging API of RapidSMS (docs 8.1), on the process's active router.
export { startRouter, stopRouter, setRouter, getRouter } from './active-router.js'
export { receive, send, sendBulk, lookupConnections } from './messaging-api.js'
export { Host, type HostOptions } from '../runtime/host.js'
