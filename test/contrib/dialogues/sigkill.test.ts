import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { beginSession, sessionLimits, stepSession, stateKey, type SessionState } from '../../../src/contrib/dialogues/index.js'
import { Database } from '../../../src/models/index.js'
import { schemaOf } from '../../../src/runtime/schema.js'
import { scratchDatabase, type ScratchDatabase } from '../../../src/testing/index.js'
import config from '../../../examples/dialogues/rapidsms.config.js'
import { survey } from '../../../examples/dialogues/survey.js'
import { rapidsmsUntil } from '../../support/cli.js'

const project = fileURLToPath(new URL('../../../examples/dialogues/', import.meta.url))
const PHONES = 40
/** The answer to each question, by the state that asks it. */
const ANSWERS: Record<string, (phone: number) => string> = {
  name: (p) => `Person ${p}`,
  again: (p) => `Person ${p}`,
  age: (p) => String(18 + (p % 40)),
  sex: (p) => (p % 2 ? 'M' : 'F'),
  pregnant: () => 'no',
  village: () => 'Kisumu',
  confirm: () => 'YES',
}

interface Sent {
  text: string
  /** The host answered 200: it had committed the message and its step (the blocking router). */
  acked: boolean
  /** When it was posted (ms since the burst began). */
  at: number
}

/** `rapidsms start` of the dialogues example as a child process; its edge's URL. */
async function startHost(scratch: ScratchDatabase): Promise<{ child: ChildProcess; url: string }> {
  const { child, output } = await rapidsmsUntil(['start', '--port', '0'], 'Health survey is ready', {
    cwd: project,
    env: { DATABASE_URL: scratch.url, RAPIDSMS_LOG_LEVEL: 'info' },
  })
  const url = /"url":"(http:\/\/[^"]+)"/.exec(output())?.[1]
  if (!url) throw new Error(`no URL in the output:\n${output()}`)
  return { child, url }
}

/** POST a message as a gateway does: the HTTP status, or the reason it got none (the host died). */
async function send(url: string, identity: string, text: string): Promise<number | string> {
  try {
    const response = await fetch(`${url}/backend/message_tester/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ identity, text }) })
    await response.text()
    return response.status
  } catch (error) {
    return String((error as Error & { cause?: Error }).cause?.message ?? error)
  }
}

const post = async (url: string, identity: string, text: string) => (await send(url, identity, text)) === 200

const identityOf = (phone: number) => `2547100${String(phone).padStart(5, '0')}`

describe('a host killed with SIGKILL in the middle of a burst of survey replies', () => {
  let scratch: ScratchDatabase
  let db: Database
  const sent = new Map<number, Sent[]>()
  let killedAfter = 0
  let killedAt = 0

  beforeAll(async () => {
    scratch = await scratchDatabase()
    const first = await startHost(scratch)
    // Every phone answers as a gateway does: one message at a time, the next once the last was taken.
    let acked = 0
    let killed = false
    const refused: string[] = []
    const began = performance.now()
    const exited = new Promise((resolve) => first.child.once('exit', resolve))
    const answer = (phone: number, step: number) => {
      if (step === 0) return 'SURVEY'
      const order = ['name', 'age', 'sex', ...(phone % 2 ? [] : ['pregnant']), 'village', 'confirm']
      return ANSWERS[order[step - 1]!]?.(phone)
    }
    await Promise.all(
      Array.from({ length: PHONES }, async (_, phone) => {
        const log: Sent[] = []
        sent.set(phone, log)
        for (let step = 0; !killed; step++) {
          const text = answer(phone, step)
          if (text === undefined) break
          const at = Math.round(performance.now() - began)
          const status = await send(first.url, identityOf(phone), text)
          // Before the kill every message is taken; after it, only a connection error is expected.
          if (typeof status === 'number' ? status !== 200 : !killed) refused.push(`${identityOf(phone)} ${JSON.stringify(text)}: ${status}`)
          // A 200 read after the kill still counts: the host answered it, so it had committed it.
          log.push({ text, acked: status === 200, at })
          if (status !== 200) break
          if (++acked === Math.floor(PHONES * 3) && !killed) {
            // About half way through the burst, with the other conversations' messages in flight.
            killed = true
            killedAfter = acked
            killedAt = Math.round(performance.now() - began)
            first.child.kill('SIGKILL')
          }
        }
      }),
    )
    expect(await exited).toBe(null)
    expect(refused).toEqual([])
    db = await Database.open({ url: scratch.url, ...schemaOf(config) })
  }, 180_000)

  afterAll(async () => {
    await db?.close()
    await scratch?.dispose()
  })

  const rows = async <T>(sql: string, params: unknown[] = []) => (await db.orm.em.fork().getConnection().execute(sql, params as never[])) as T[]

  /** Every session, its steps and what the message log and the gateway's outbox hold for its phone. */
  async function ledger() {
    const sessions = await rows<{ id: string; identity: string; status: string; version: number; snapshot: unknown; steps: number }>(
      'select s.id, c.identity, s.status, s.version, s.snapshot, s.steps from dialogue_session s join rapidsms_connection c on c.id = s.connection_id order by c.identity',
    )
    const steps = await rows<{ session_id: string; seq: number; event: unknown; sends: unknown; at: unknown; sent_at: unknown }>('select session_id, seq, event, sends, at, sent_at from dialogue_step order by session_id, seq')
    const logged = await rows<{ identity: string; direction: string; text: string }>('select c.identity, m.direction, m.text from messagelog_message m join rapidsms_connection c on c.id = m.connection_id order by m.id')
    const wire = await rows<{ identity: string; text: string; message_id: string }>('select identity, text, message_id from database_backendmessage order by id')
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v)
    return { sessions: sessions.map((s) => ({ ...s, snapshot: json(s.snapshot) as SessionState['snapshot'], steps: steps.filter((t) => t.session_id === s.id).map((t) => ({ ...t, event: json(t.event) as { type: string; text?: string }, sends: json(t.sends) as string[] })) })), logged, wire }
  }

  /** Each session agrees with the message log and its own steps: nothing lost, nothing twice. */
  async function checkAgreement() {
    const { sessions, logged, wire } = await ledger()
    const limits = sessionLimits(survey, config)
    // No phone has messages in the log, or texts at the gateway, without a session.
    const phones = (list: { identity: string }[]) => [...new Set(list.map((l) => l.identity))].sort()
    expect(phones(logged)).toEqual(phones(sessions))
    expect(phones(wire)).toEqual(phones(sessions))
    for (const session of sessions) {
      // The steps are 0, 1, 2... with none missing or twice, and the session is their last.
      expect(session.steps.map((s) => s.seq)).toEqual(session.steps.map((_, i) => i))
      expect(session.version).toBe(session.steps.length)
      // Replaying the steps' events through the chart gives the stored session.
      let state = beginSession(survey, undefined, 0, limits).state
      for (const step of session.steps.slice(1)) state = stepSession(survey, state, step.event, 0, limits).state
      expect([stateKey(state.snapshot.value), state.snapshot.context]).toEqual([stateKey(session.snapshot.value), session.snapshot.context])
      // The message log has each incoming message of the phone once, and each has its step, in order.
      const mine = logged.filter((l) => l.identity === session.identity)
      expect(mine.filter((l) => l.direction === 'I').map((l) => l.text)).toEqual(session.steps.map((s) => (s.event.type === 'dialogue.start' ? 'SURVEY' : s.event.text)))
      // Every question a step stored was logged as sent once, and reached the gateway with its id.
      const asked = session.steps.flatMap((s) => s.sends)
      expect(mine.filter((l) => l.direction === 'O').map((l) => l.text)).toEqual(asked)
      const reached = wire.filter((w) => w.identity === session.identity)
      expect([...new Map(reached.map((w) => [w.message_id, w.text])).values()]).toEqual(asked)
    }
    return { sessions, wire }
  }

  it('left sessions that agree with the message log once the host is back: no step lost, none applied twice, no question logged or sent twice (a text resent at start keeps its id)', async () => {
    expect(killedAfter).toBe(PHONES * 3)
    const second = await startHost(scratch)
    try {
      const { sessions, wire } = await checkAgreement()
      // Each phone's steps are the messages it sent, in order: every one the host took
      // (answered 200), and at most the one in flight when it died (committed, not answered).
      // A phone whose SURVEY was still in flight may have no session: nothing of it was taken.
      for (const [phone, log] of sent) {
        const session = sessions.find((s) => s.identity === identityOf(phone))
        const stepped = session?.steps.map((s) => (s.event.type === 'dialogue.start' ? 'SURVEY' : s.event.text)) ?? []
        const taken = log.filter((m) => m.acked).length
        expect(stepped).toEqual(log.slice(0, stepped.length).map((m) => m.text))
        expect(stepped.length).toBeGreaterThanOrEqual(taken)
      }
      // Phones whose SURVEY was still waiting for its answer when the host died, and since when.
      const untouched = [...sent].filter(([phone]) => !sessions.some((s) => s.identity === identityOf(phone))).map(([, log]) => `${killedAt - log[0]!.at} ms`)
      // A text resent at start (the host died between the gateway taking it and noting it) keeps its id.
      const ids = wire.map((w) => w.message_id)
      console.log(`killed after ${killedAfter} messages; ${killedAt} ms into the burst; ${untouched.length} phone(s) without a session${untouched.length ? ` (their SURVEY posted ${untouched.join(', ')} before)` : ''}; ${ids.length - new Set(ids).size} text(s) reached the gateway again with the same id`)
      // The conversations go on where each session is, to the end (a phone without one sends SURVEY again, as its gateway would).
      const latest = async (identity: string) => {
        const found = await rows<{ status: string; snapshot: unknown }>('select s.status, s.snapshot from dialogue_session s join rapidsms_connection c on c.id = s.connection_id where c.identity = ? order by s.started_at desc', [identity])
        if (!found.length) return undefined
        expect(found).toHaveLength(1)
        const snapshot = typeof found[0]!.snapshot === 'string' ? JSON.parse(found[0]!.snapshot) : found[0]!.snapshot
        return { status: found[0]!.status, state: stateKey(snapshot.value) }
      }
      for (let phone = 0; phone < PHONES; phone++) {
        const identity = identityOf(phone)
        let now = await latest(identity)
        if (!now) {
          expect(await post(second.url, identity, 'SURVEY')).toBe(true)
          now = await latest(identity)
        }
        for (let guard = 0; now?.status === 'active' && guard < 10; guard++) {
          const answer = ANSWERS[now.state.split('.')[0]!]
          if (!answer) break
          expect(await post(second.url, identity, answer(phone))).toBe(true)
          now = await latest(identity)
        }
      }
      const done = await checkAgreement()
      expect(done.sessions).toHaveLength(PHONES)
      expect(done.sessions.map((s) => s.status)).toEqual(Array(PHONES).fill('completed'))
      const responses = await rows<{ n: unknown }>('select count(*) as n from survey_response')
      expect(Number(responses[0]!.n)).toBe(PHONES)
    } finally {
      const exited = new Promise((resolve) => second.child.once('exit', resolve))
      second.child.kill('SIGINT')
      await exited
    }
  }, 180_000)
})
