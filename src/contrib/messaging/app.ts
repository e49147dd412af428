import { AppBase } from '../../apps/base.js'
import { messagingPages } from './pages.js'

/**
 * Messaging (docs 21.7): a page at `/messaging/` to write a message and send it to contacts
 * picked with autocomplete, each through its default connection. No phase of its own.
 */
export class MessagingApp extends AppBase {
  static override appName = 'messaging'
  static override pages = messagingPages
}
