/**
 * The settings of {{ project_name }}, a RapidSMS project. Every message visits the apps in
 * order; the handlers app offers it to the handlers; the default app answers what nobody
 * understood (keep it last).
 */
import { DatabaseBackend, defineConfig, genericHttpInbound } from 'rapidsms'
import { DefaultApp } from 'rapidsms/contrib/default'
import { HandlersApp } from 'rapidsms/contrib/handlers'
import { HttpTesterApp } from 'rapidsms/contrib/httptester'
import { MessageLogApp } from 'rapidsms/contrib/messagelog'
import { HelloHandler } from './hello/handlers.js'
import { migrations } from './migrations/index.js'

export default defineConfig({
  // HttpTesterApp sees no message: it brings the Message Tester page (/httptester/).
  apps: [MessageLogApp, HandlersApp, HttpTesterApp, DefaultApp], // DefaultApp must be last
  handlers: [HelloHandler],
  backends: {
    // Replies are rows of database_backendmessage; messages come in over HTTP, as from a provider:
    // curl -d 'identity=123456&text=hello Ann' http://127.0.0.1:8000/backend/message_tester/
    message_tester: { engine: DatabaseBackend, inbound: genericHttpInbound },
  },
  migrations,
})
