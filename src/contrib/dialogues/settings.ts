import { z } from 'zod'
import { parseDuration } from '../../core/duration.js'
import { isDialogue, type Dialogue } from './define.js'
import type { SessionLimits } from './engine.js'
import { checkQuietHours } from './quiet-hours.js'

/** How long after the person's last message a session expires, unless set. */
const DEFAULT_EXPIRE_AFTER = '7d'
/** How many events a session takes before it fails, unless set. */
const DEFAULT_MAX_STEPS = 1000

const duration = z.union([z.string(), z.number()]).superRefine((value, ctx) => {
  try {
    parseDuration(value)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message })
  }
})

const quietHours = z
  .object({ start: z.string(), end: z.string(), timeZone: z.string().optional() })
  .strict()
  .superRefine((value, ctx) => {
    try {
      checkQuietHours(value)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message })
    }
  })

/** DialogueApp's settings. */
export const dialogueSettings = {
  /** The dialogues this project runs (defineDialogue). */
  dialogues: z.array(z.custom<Dialogue>(isDialogue, { message: 'expected a dialogue made with defineDialogue()' })).default([]),
  /** Texts (trimmed, any case) that end a connection's active session. */
  dialogueStopWords: z.array(z.string().min(1)).default(['STOP']),
  /** A session fails on an event beyond this many (dialogues may set their own). */
  dialogueMaxSteps: z.number().int().positive().default(DEFAULT_MAX_STEPS),
  /** A session expires this long after the person's last message (dialogues may set their own). */
  dialogueExpireAfter: duration.default(DEFAULT_EXPIRE_AFTER),
  /** `{ start: '21:00', end: '07:00', timeZone }`: reminders and first questions we send wait for its end. */
  dialogueQuietHours: quietHours.nullable().default(null),
  /** startDialogue starts this many sessions at a time. */
  dialogueBatchSize: z.number().int().positive().default(100),
}

/** The limits a dialogue's sessions run under: its own, else the settings' (DialogueApp's defaults when not installed). */
export function sessionLimits(dialogue: Dialogue | undefined, settings: Record<string, unknown>): SessionLimits {
  return {
    expireAfterMs: dialogue?.expireAfterMs ?? parseDuration((settings.dialogueExpireAfter as string | number | undefined) ?? DEFAULT_EXPIRE_AFTER),
    maxSteps: dialogue?.maxSteps ?? ((settings.dialogueMaxSteps as number | undefined) ?? DEFAULT_MAX_STEPS),
    quietHours: dialogue?.quietHours === undefined ? ((settings.dialogueQuietHours as SessionLimits['quietHours']) ?? null) : dialogue.quietHours,
  }
}
