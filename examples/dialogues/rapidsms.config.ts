/**
 * The dialogues example (docs/dialogues.md): the health survey as a durable dialogue, with
 * the message log and the handlers. DialogueApp comes before HandlersApp, so an answer that
 * starts with a keyword (`echo`) goes to the survey it answers.
 */
import { DatabaseBackend, defineConfig, genericHttpInbound } from 'rapidsms'
import { DefaultApp } from 'rapidsms/contrib/default'
import { DialogueApp } from 'rapidsms/contrib/dialogues'
import { EchoHandler, PingHandler } from 'rapidsms/contrib/echo'
import { HandlersApp } from 'rapidsms/contrib/handlers'
import { MessageLogApp } from 'rapidsms/contrib/messagelog'
import { migrations } from './migrations/index.js'
import { SurveyResponse } from './models.js'
import { survey } from './survey.js'

export default defineConfig({
  projectName: 'Health survey',
  apps: [MessageLogApp, DialogueApp, HandlersApp, DefaultApp], // DefaultApp must be last
  handlers: [EchoHandler, PingHandler],
  dialogues: [survey],
  backends: {
    // Replies are stored as rows; messages come in over HTTP:
    // curl -d 'identity=254700000001&text=SURVEY' http://127.0.0.1:8000/backend/message_tester/
    message_tester: { engine: DatabaseBackend, inbound: genericHttpInbound },
  },
  entities: [SurveyResponse],
  migrations,
})
