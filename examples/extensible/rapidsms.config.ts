/**
 * RapidSMS's extensible models (docs 12) in a project: the testextensions_main app adds
 * `isUsed` to Contact; contacts register by SMS and set it with USED YES / USED NO; the
 * Registration and admin pages show it.
 */
import { DatabaseBackend, defineConfig, genericHttpInbound } from 'rapidsms'
import { DefaultApp } from 'rapidsms/contrib/default'
import { HandlersApp } from 'rapidsms/contrib/handlers'
import { RegisterHandler, RegistrationApp } from 'rapidsms/contrib/registration'
import { TestExtensionsMain } from './testextensions_main/app.js'
import { UsedHandler } from './testextensions_main/handlers.js'

export default defineConfig({
  apps: [HandlersApp, RegistrationApp, TestExtensionsMain, DefaultApp],
  handlers: [RegisterHandler, UsedHandler],
  backends: { message_tester: { engine: DatabaseBackend, inbound: genericHttpInbound } },
})
