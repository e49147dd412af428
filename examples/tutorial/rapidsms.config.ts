/**
 * The tutorial project (docs/tutorial.md): PingPong (part 1), the help and sum handlers
 * (part 2), the voting app (part 3), with the contrib apps a new project starts with.
 */
import { DatabaseBackend, defineConfig } from 'rapidsms'
import { DefaultApp } from 'rapidsms/contrib/default'
import { EchoHandler, PingHandler } from 'rapidsms/contrib/echo'
import { HandlersApp } from 'rapidsms/contrib/handlers'
import { HttpTesterApp } from 'rapidsms/contrib/httptester'
import { MessageLogApp } from 'rapidsms/contrib/messagelog'
import { LanguageHandler, RegisterHandler } from 'rapidsms/contrib/registration'
import { migrations } from './migrations/index.js'
import { HelpHandler, SumHandler } from './myhandlers.js'
import { PingPong } from './tut/app.js'
import { ResultsHandler, VoteHandler } from './voting/handlers.js'
import { Choice } from './voting/models.js'

export default defineConfig({
  apps: [MessageLogApp, HandlersApp, PingPong, HttpTesterApp, DefaultApp], // DefaultApp must be last
  handlers: [EchoHandler, PingHandler, RegisterHandler, LanguageHandler, HelpHandler, SumHandler, ResultsHandler, VoteHandler],
  backends: {
    message_tester: { engine: DatabaseBackend },
  },
  entities: [Choice],
  // In the admin (Django's admin.site.register(Choice)): add the choices at /admin/voting/choice/.
  admin: [Choice],
  migrations,
  // The choices to vote for (the admin's job in RapidSMS's tutorial).
  fixtures: async (em) => {
    for (const name of ['Moe', 'Larry', 'Curly']) em.create(Choice, { name })
  },
})
