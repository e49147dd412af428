import { AppBase } from '../../apps/base.js'
import { testerPages } from './pages.js'

/**
 * The Message Tester (docs 21.4): a page at `/httptester/` that sends messages to the project
 * as if a phone had, through the database backend named `message_tester`, and shows what
 * came back. Install it in `apps` beside a `message_tester: { engine: DatabaseBackend }`
 * backend. It has no phase of its own.
 */
export class HttpTesterApp extends AppBase {
  static override appName = 'httptester'
  static override pages = testerPages
}
