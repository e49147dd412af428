/**
 * The demo project `npm start` runs: a SQLite file (rapidsms.db), no other service.
 * Copy this file as rapidsms.config.ts into a folder of your own to start a project.
 */
import { AppBase, DatabaseBackend, defineConfig, type IncomingMessage } from 'rapidsms'

/** The app of the tutorial's part 1: answers "ping" with "pong". */
class PingPong extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text === 'ping') {
      msg.respond('pong')
      return true
    }
    return false
  }
}

export default defineConfig({
  projectName: 'RapidSMS demo',
  apps: [PingPong],
  backends: {
    message_tester: { engine: DatabaseBackend },
  },
})
