/**
 * The demo project `npm start` runs: a SQLite file (rapidsms.db), no other service.
 * Copy this file as rapidsms.config.ts into a folder of your own to start a project.
 */
import { AppBase, DatabaseBackend, defineConfig, genericHttpInbound, type IncomingMessage } from 'rapidsms'
import { DefaultApp } from 'rapidsms/contrib/default'
import { DialogueApp } from 'rapidsms/contrib/dialogues'
import { EchoHandler, PingHandler } from 'rapidsms/contrib/echo'
import { HandlersApp } from 'rapidsms/contrib/handlers'
import { HttpTesterApp } from 'rapidsms/contrib/httptester'
import { LocationsApp, loadSampleLocations } from 'rapidsms/contrib/locations'
import { MessagingApp } from 'rapidsms/contrib/messaging'
import { MessageLogApp } from 'rapidsms/contrib/messagelog'
import { LanguageHandler, RegisterHandler, RegistrationApp } from 'rapidsms/contrib/registration'
import { migrations as surveyMigrations } from '../examples/dialogues/migrations/index.js'
import { SurveyResponse } from '../examples/dialogues/models.js'
import { survey } from '../examples/dialogues/survey.js'

/** An app of the project's own beside the contrib ones: answers "hello" with "world". */
class HelloWorld extends AppBase {
  override handle(msg: IncomingMessage) {
    if (msg.text.toLowerCase() === 'hello') {
      msg.respond('world')
      return true
    }
    return false
  }
}

export default defineConfig({
  projectName: 'RapidSMS demo',
  // After "LANG FR" a contact is answered in French (RapidSMS itself keeps the project language).
  replyInContactLanguage: true,
  // DialogueApp before HandlersApp: during the survey (send SURVEY) every message is an answer.
  // MessagingApp, HttpTesterApp and LocationsApp bring pages (Messaging, Message Tester, Map) and see no message.
  apps: [MessageLogApp, DialogueApp, HandlersApp, RegistrationApp, MessagingApp, HelloWorld, HttpTesterApp, LocationsApp, DefaultApp], // DefaultApp must be last
  handlers: [EchoHandler, PingHandler, RegisterHandler, LanguageHandler],
  dialogues: [survey],
  entities: [SurveyResponse],
  // `rapidsms loaddata` puts sample locations (Uganda's regions, some districts and facilities) on the Map.
  fixtures: (em) => loadSampleLocations(em),
  migrations: surveyMigrations,
  backends: {
    // Replies are stored as rows; messages come in over HTTP, as from a provider:
    // curl -d 'identity=1112223333&text=echo hello' http://127.0.0.1:8000/backend/message_tester/
    message_tester: { engine: DatabaseBackend, inbound: genericHttpInbound },
  },
})
