export { MessageBase, type MessageInit } from './base.js'
export { IncomingMessage, type ResponseContext } from './incoming.js'
export { OutgoingMessage, ErrorMessage, setOutgoingSender, type BackendContext } from './outgoing.js'
export type { ConnectionLike, ContactLike, MessageFields } from './types.js'
