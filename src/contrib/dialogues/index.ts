/** rapidsms/contrib/dialogues: multi-step SMS conversations as durable xstate statecharts. */
export { defineDialogue, isDialogue, type Dialogue, type DialogueOptions, type DoneArgs } from './define.js'
export { ask, say, REPLY, STOPPED, EXPIRED, SAY, type AskOptions, type AskMeta, type Next, type ReplyEvent, type ActionArgs } from './helpers.js'
export { text, integer, choice, yesNo, type Answer } from './answers.js'
export { render, type Text } from './texts.js'
export { afterQuietHours, type QuietHours } from './quiet-hours.js'
export { beginSession, stepSession, dueTimers, stateKey, type SessionState, type SessionStatus, type SessionLimits, type StepOutcome, type StoredTimer } from './engine.js'
