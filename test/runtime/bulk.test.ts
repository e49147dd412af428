import { hostname } from 'node:os'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { AppBase, BackendSendError, BulkInputError, BulkJobBusyError, Contact, Host, IdempotencyConflictError, linkContact, MockBackend, type BulkRecipientInput, type Connection, type OutgoingMessage, type UserSettings } from '../../src/index.js'
import type { Clock } from '../../src/core/clock.js'
import { FakeClock, scratchDatabase, type ScratchDatabase } from '../../src/testing/index.js'

/** Fails every send to an identity with a 1 in it, naming those identities (the others are sent). */
class FailedIdentitiesBackend extends MockBackend {
  override send(id: string, text: string, identities: string[], context: Record<string, unknown>): void {
    const failed = identities.filter((i) => i.includes('1'))
    if (failed.length) throw new BackendSendError(this.name, 'unroutable number', { status: 400, failedIdentities: failed })
    super.send(id, text, identities, context)
  }
}

/** Each send waits until the test lets it go; `open` is how many are waiting now, `most` the most ever. */
class GatedBackend extends MockBackend {
  static gates: (() => void)[] = []
  static open = 0
  static most = 0
  override async send(id: string, text: string, identities: string[], context: Record<string, unknown>): Promise<void> {
    GatedBackend.open++
    GatedBackend.most = Math.max(GatedBackend.most, GatedBackend.open)
    await new Promise<void>((resolve) => GatedBackend.gates.push(resolve))
    GatedBackend.open--
    super.send(id, text, identities, context)
  }
}

/** Records when (on the host's clock) each send happened. */
class TimedBackend extends MockBackend {
  readonly at: number[] = []
  override send(id: string, text: string, identities: string[], context: Record<string, unknown>): void {
    this.at.push(this.router.clock.now())
    super.send(id, text, identities, context)
  }
}

/** The first send at once, then each next one only once the clock moved `stepMs` on, until `total` were made. */
async function letPacedSendsThrough(clock: FakeClock, backend: TimedBackend, total: number, stepMs: number): Promise<void> {
  await vi.waitFor(() => expect(backend.at.length).toBe(1))
  for (let sends = 2; sends <= total; sends++) {
    await clock.advance(stepMs)
    await vi.waitFor(() => expect(backend.at.length).toBe(sends))
  }
}

const people = (n: number, backend = 'a', from = 1000): BulkRecipientInput[] => Array.from({ length: n }, (_, i) => ({ backend, identity: String(from + i) }))

let scratch: ScratchDatabase
const hosts: Host[] = []
beforeAll(async () => {
  scratch = await scratchDatabase()
})
afterEach(async () => {
  GatedBackend.gates.splice(0).forEach((go) => go())
  for (const host of hosts.splice(0)) await host.stop()
  GatedBackend.open = GatedBackend.most = 0
})
afterAll(async () => {
  await scratch.dispose()
})

async function startHost(settings: UserSettings = {}, options: { clock?: Clock; resumeBulk?: boolean } = {}): Promise<Host> {
  const host = await Host.start({ dbRouterBatchSize: 3, logLevel: 'silent', backends: { a: { engine: MockBackend }, b: { engine: MockBackend } }, ...settings }, { databaseUrl: scratch.url, ...options })
  hosts.push(host)
  return host
}

const outbox = (host: Host, backend: string) => (host.backends.get(backend)!.backend as MockBackend).outbox

/** The recipients of a job as stored: [backend, identity, status, error], in id order. */
async function recipients(host: Host, jobId: number): Promise<[string, string, string, string | null][]> {
  const rows = await host.db.orm.em
    .getConnection()
    .execute<{ backend: string; identity: string; status: string; error: string | null }[]>('select backend, identity, status, error from rapidsms_bulk_recipient where job_id = ? order by id', [jobId])
  return rows.map((r) => [r.backend, r.identity, r.status, r.error])
}

/** A date as a statement's parameter on the host's database (SQLite keeps epoch milliseconds). */
const dbDate = (host: Host, date: Date) => (host.db.dialect === 'sqlite' ? date.getTime() : date)

const count = async (host: Host, table: string) => Number((await host.db.orm.em.getConnection().execute<{ n: number }[]>(`select count(*) as n from ${table}`))[0]!.n)

describe('sendBulk()', () => {
  it('groups the recipients per backend and sends each backend batches of dbRouterBatchSize, in order, with the job\'s message id', async () => {
    const host = await startHost()
    const mixed = people(10).map((r, i) => ({ ...r, backend: i % 2 ? 'a' : 'b' }))
    const result = await host.sendBulk('Clinic closed today', mixed)
    expect(result).toMatchObject({ status: 'done', total: 10, sent: 10, failed: 0, delivered: 0, queued: 0, handed: 10, repeated: false, idempotencyKey: null })
    expect(outbox(host, 'a').map((m) => m.identities)).toEqual([['1001', '1003', '1005'], ['1007', '1009']])
    expect(outbox(host, 'b').map((m) => m.identities)).toEqual([['1000', '1002', '1004'], ['1006', '1008']])
    expect(new Set([...outbox(host, 'a'), ...outbox(host, 'b')].map((m) => `${m.id} ${m.text}`))).toEqual(new Set([`${result.messageId} Clinic closed today`]))
    expect(result.messageId).toMatch(/^[0-9a-f]{32}$/)
  })

  it('stores a status per recipient: S with its sent time, E with the error for those the backend refused', async () => {
    const host = await startHost({ backends: { a: { engine: FailedIdentitiesBackend, retries: 0 } } })
    const result = await host.sendBulk('hello', [...people(3, 'a', 2000), { backend: 'a', identity: '5551' }, { backend: 'a', identity: '5552' }])
    expect(result).toMatchObject({ status: 'done', total: 5, sent: 3, failed: 2, queued: 0 })
    expect(await recipients(host, result.jobId)).toEqual([
      ['a', '2000', 'S', null],
      ['a', '2001', 'E', 'BackendSendError: a: unroutable number'],
      ['a', '2002', 'S', null],
      ['a', '5551', 'E', 'BackendSendError: a: unroutable number'],
      ['a', '5552', 'S', null],
    ])
    const [sent] = await host.db.orm.em.getConnection().execute<{ sent_at: unknown }[]>("select sent_at from rapidsms_bulk_recipient where job_id = ? and status = 'S' limit 1", [result.jobId])
    expect(sent!.sent_at).not.toBeNull()
  })

  it('sends each backend and identity once, however often it is given', async () => {
    const host = await startHost()
    const result = await host.sendBulk('once', [...people(2), ...people(2), { backend: 'b', identity: '1000' }])
    expect(result).toMatchObject({ total: 3, sent: 3 })
    expect(outbox(host, 'a').map((m) => m.identities)).toEqual([['1000', '1001']])
    expect(outbox(host, 'b').map((m) => m.identities)).toEqual([['1000']])
  })

  it("takes connections (a connection's backend is an object) and async iterables read as they come", async () => {
    const host = await startHost()
    const connections = await host.lookupConnections('a', ['3000', '3001'])
    async function* more() {
      yield* connections
      yield { backend: 'b', identity: '3002' }
    }
    const result = await host.sendBulk('streamed', more())
    expect(result).toMatchObject({ total: 3, sent: 3 })
    expect(outbox(host, 'a').map((m) => m.identities)).toEqual([['3000', '3001']])
  })

  it.each([
    [{ backend: 'nope', identity: '1' }, 'recipient 3: there is no backend named "nope" (the project has: a, b)'],
    [{ backend: 'a', identity: '' }, 'recipient 3: the identity is empty'],
    [{ backend: 'a', identity: '1'.repeat(101) }, 'recipient 3: the identity has more than 100 characters'],
    [{ backend: 'a', identity: 'x\u0000y' }, 'recipient 3: the identity has a character no database stores (a NUL or a lone surrogate)'],
    [{ backend: 'nope', identity: '1', line: 17 }, 'line 17: there is no backend named "nope" (the project has: a, b)'],
  ])('a bad recipient (%j) is refused naming it; nothing is stored or sent', async (bad, message) => {
    const host = await startHost()
    const jobs = await count(host, 'rapidsms_bulk_job')
    const rows = await count(host, 'rapidsms_bulk_recipient')
    const error = await host.sendBulk('hello', [...people(2), bad as BulkRecipientInput], { idempotencyKey: `bad-${message}` }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BulkInputError)
    expect((error as Error).message).toBe(message)
    expect([await count(host, 'rapidsms_bulk_job'), await count(host, 'rapidsms_bulk_recipient')]).toEqual([jobs, rows])
    expect(outbox(host, 'a')).toEqual([])
  })

  it('refuses an empty text and a bad idempotency key', async () => {
    const host = await startHost()
    await expect(host.sendBulk('', people(1))).rejects.toThrow('text: the text is empty')
    await expect(host.sendBulk('hi', people(1), { idempotencyKey: 'k'.repeat(201) })).rejects.toThrow('idempotencyKey: expected 1 to 200 characters')
    expect(outbox(host, 'a')).toEqual([])
  })
})

describe('the outgoing phase', () => {
  /** Sees each outgoing message: its connections' rows and contacts; cancels texts saying "cancel". */
  class Watcher extends AppBase {
    static seen: [string, (string | null)[], number[]][] = []
    override outgoing(msg: OutgoingMessage): boolean {
      const connections = msg.connections as Connection[]
      Watcher.seen.push([msg.text, connections.map((c) => c.contact?.name ?? null), connections.map((c) => c.id)])
      return msg.text !== 'cancel'
    }
  }

  it("each recipient's message passes it once, its connection a row with its contact; one an app cancels is E, the others sent", async () => {
    Watcher.seen = []
    const host = await startHost({ apps: [Watcher] })
    const [ann] = await host.lookupConnections('a', ['6000'])
    const em = host.db.orm.em.fork()
    const contact = em.create(Contact, { name: 'Ann', language: '' })
    await em.flush()
    await linkContact(em as never, ann!, contact)
    const result = await host.sendBulk('hello', [...people(3, 'a', 6000), { backend: 'a', identity: '6003' }])
    expect(result).toMatchObject({ status: 'done', sent: 4 })
    // Batches go through the phase side by side (and to the backend in order).
    const seen = [...Watcher.seen].sort((a, b) => a[2][0]! - b[2][0]!)
    expect(seen.map(([text, contacts]) => [text, contacts])).toEqual([
      ['hello', ['Ann']],
      ['hello', [null]],
      ['hello', [null]],
      ['hello', [null]],
    ])
    // Every recipient has a connection row: those there already, and those made for the job.
    const rows = await host.lookupConnections('a', ['6000', '6001', '6002', '6003'])
    expect(seen.flatMap(([, , ids]) => ids)).toEqual(rows.map((c) => c.id))
    // The backend still gets one send a batch.
    expect(outbox(host, 'a').map((m) => m.identities)).toEqual([['6000', '6001', '6002'], ['6003']])
  })

  it('an app may change the text of some (one send per text) or cancel them (E)', async () => {
    class Shouter extends AppBase {
      override outgoing(msg: OutgoingMessage): boolean {
        const identity = msg.connections[0]!.identity
        if (identity.endsWith('1')) msg.text = msg.text.toUpperCase()
        return !identity.endsWith('2')
      }
    }
    const host = await startHost({ apps: [Shouter] })
    const result = await host.sendBulk('quiet', people(3, 'a', 7000))
    expect(result).toMatchObject({ status: 'done', sent: 2, failed: 1 })
    expect(outbox(host, 'a').map((m) => [m.text, m.identities])).toEqual([
      ['quiet', ['7000']],
      ['QUIET', ['7001']],
    ])
    expect((await recipients(host, result.jobId)).map((r) => r.slice(1))).toEqual([
      ['7000', 'S', null],
      ['7001', 'S', null],
      ['7002', 'E', 'cancelled by an app in the outgoing phase'],
    ])
  })
})

describe('idempotency keys', () => {
  it('a second call with the same key sends nothing and reports the job', async () => {
    const host = await startHost()
    const first = await host.sendBulk('Vaccination day', people(4), { idempotencyKey: 'vacc-1' })
    const second = await host.sendBulk('Vaccination day', people(4), { idempotencyKey: 'vacc-1' })
    expect(second).toEqual({ ...first, handed: 0, repeated: true })
    expect(outbox(host, 'a').flatMap((m) => m.identities)).toEqual(['1000', '1001', '1002', '1003'])
    // Another host of the project (a redeploy) sends nothing for it either.
    const other = await startHost()
    expect(await other.sendBulk('Vaccination day', people(4), { idempotencyKey: 'vacc-1' })).toMatchObject({ jobId: first.jobId, handed: 0, repeated: true, sent: 4 })
    expect(outbox(other, 'a')).toEqual([])
  })

  it('the same key with another text is refused, nothing sent', async () => {
    const host = await startHost()
    await host.sendBulk('first text', people(1), { idempotencyKey: 'k-text' })
    await expect(host.sendBulk('second text', people(1), { idempotencyKey: 'k-text' })).rejects.toBeInstanceOf(IdempotencyConflictError)
    expect(outbox(host, 'a').map((m) => m.text)).toEqual(['first text'])
  })

  it('send() with an idempotencyKey is a bulk job: the message carries its result; sent once', async () => {
    const host = await startHost()
    const connections = await host.lookupConnections('a', ['4000', '4001', '4002', '4003'])
    const msg = await host.send('via send', connections, { idempotencyKey: 'send-1' })
    expect(msg.bulk).toMatchObject({ status: 'done', total: 4, sent: 4, handed: 4, repeated: false })
    expect(msg.id).toBe(msg.bulk!.messageId)
    const again = await host.send('via send', connections, { idempotencyKey: 'send-1' })
    expect(again.bulk).toMatchObject({ handed: 0, repeated: true })
    expect(outbox(host, 'a').map((m) => m.identities)).toEqual([['4000', '4001', '4002'], ['4003']])
  })

  it('send() with an idempotencyKey refuses the options a bulk job cannot carry, sending nothing', async () => {
    const host = await startHost()
    const connections = await host.lookupConnections('a', ['4100'])
    await expect(host.send('hi', connections, { idempotencyKey: 'send-2', id: 'a'.repeat(32), fields: { x: 1 } })).rejects.toThrow(
      new TypeError('send() with an idempotencyKey sends a bulk job, which takes no fields, id'),
    )
    expect(outbox(host, 'a')).toEqual([])
  })

  it('a concurrent call with the key of a job another live runner holds is refused', async () => {
    const host = await startHost({ backends: { a: { engine: GatedBackend } } })
    const running = host.sendBulk('held', people(3), { idempotencyKey: 'held-1' })
    await vi.waitFor(() => expect(GatedBackend.gates.length).toBe(1))
    const other = await startHost({ backends: { a: { engine: GatedBackend } } })
    const error = await other.sendBulk('held', people(3), { idempotencyKey: 'held-1' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BulkJobBusyError)
    expect((error as Error).message).toMatch(new RegExp(`^bulk job \\d+ is being sent by ${host.bulk.runner} \\(last heard of at `))
    // The same host joins the run instead.
    const joined = host.sendBulk('held', people(3), { idempotencyKey: 'held-1' })
    GatedBackend.gates.splice(0).forEach((go) => go())
    expect(await joined).toEqual(await running)
  })
})

describe('pacing and the window', () => {
  it('paces batches by the backend\'s rate_limit, on the host\'s clock (no sleeping)', async () => {
    const clock = new FakeClock(new Date('2026-12-02T09:00:00Z'))
    const host = await startHost({ dbRouterBatchSize: 2, backends: { a: { engine: TimedBackend, rate_limit: 10 } } }, { clock })
    const start = clock.now()
    const job = host.sendBulk('paced', people(10), { window: 5 })
    const backend = host.backends.get('a')!.backend as TimedBackend
    await letPacedSendsThrough(clock, backend, 5, 100)
    expect(await job).toMatchObject({ status: 'done', sent: 10 })
    // Five batches of two, one every 100 ms: rate_limit counts the backend's requests.
    expect(backend.at.map((at) => at - start)).toEqual([0, 100, 200, 300, 400])
  })

  it('a backend taking one identity per request is paced per identity', async () => {
    const clock = new FakeClock(new Date('2026-12-02T09:00:00Z'))
    class OnePerRequest extends TimedBackend {
      override get identitiesPerRequest(): number {
        return 1
      }
    }
    const host = await startHost({ backends: { a: { engine: OnePerRequest, rate_limit: 4 } } }, { clock })
    const start = clock.now()
    const job = host.sendBulk('paced', people(3))
    const backend = host.backends.get('a')!.backend as TimedBackend
    await letPacedSendsThrough(clock, backend, 3, 250)
    expect(await job).toMatchObject({ status: 'done', sent: 3 })
    expect(backend.at.map((at) => at - start)).toEqual([0, 250, 500])
    expect(backend.outbox.map((m) => m.identities)).toEqual([['1000'], ['1001'], ['1002']])
  })

  it('holds at most `window` batches in flight per backend', async () => {
    const host = await startHost({ dbRouterBatchSize: 1, backends: { a: { engine: GatedBackend } } })
    const job = host.sendBulk('windowed', people(12), { window: 3 })
    let sent = 0
    while (sent < 12) {
      await vi.waitFor(() => expect(GatedBackend.gates.length).toBeGreaterThan(0))
      // Let the waiting ones go a little later, so the window has time to fill.
      await vi.waitFor(() => expect(GatedBackend.open).toBe(Math.min(3, 12 - sent)))
      const gates = GatedBackend.gates.splice(0)
      sent += gates.length
      gates.forEach((go) => go())
    }
    expect(await job).toMatchObject({ status: 'done', sent: 12 })
    expect(GatedBackend.most).toBe(3)
  })
})

describe('stopping, pausing, resuming', () => {
  it('a host stopped mid-job leaves it sending; the next host goes on where it stopped, sending nobody twice', async () => {
    const first = await startHost({ dbRouterBatchSize: 2, backends: { a: { engine: GatedBackend } } })
    const job = first.sendBulk('restart', people(10), { idempotencyKey: 'restart-1', window: 1 })
    await vi.waitFor(() => expect(GatedBackend.gates.length).toBe(1))
    GatedBackend.gates.shift()!()
    await vi.waitFor(() => expect(GatedBackend.gates.length).toBe(1))
    // Stop while the second batch is in flight: it finishes, the rest stays queued.
    const stopping = first.stop()
    GatedBackend.gates.shift()!()
    await stopping
    const left = await job
    expect(left).toMatchObject({ status: 'sending', sent: 4, queued: 6, handed: 4 })
    expect(outbox(first, 'a').flatMap((m) => m.identities)).toEqual(['1000', '1001', '1002', '1003'])

    const second = await startHost({ dbRouterBatchSize: 2, backends: { a: { engine: MockBackend } } })
    await vi.waitFor(async () => expect((await second.bulk.job(left.jobId))!.status).toBe('done'))
    expect(outbox(second, 'a').flatMap((m) => m.identities)).toEqual(['1004', '1005', '1006', '1007', '1008', '1009'])
    expect((await recipients(second, left.jobId)).map((r) => r[2])).toEqual(Array(10).fill('S'))
  })

  it('an aborted signal pauses the job; a host start leaves it; the same key goes on with the rest', async () => {
    const host = await startHost({ dbRouterBatchSize: 2, backends: { a: { engine: GatedBackend } } })
    const stop = new AbortController()
    const job = host.sendBulk('pause', people(6), { idempotencyKey: 'pause-1', signal: stop.signal, window: 1 })
    await vi.waitFor(() => expect(GatedBackend.gates.length).toBe(1))
    stop.abort()
    GatedBackend.gates.shift()!()
    const paused = await job
    expect(paused).toMatchObject({ status: 'paused', sent: 2, queued: 4 })

    const other = await startHost({ dbRouterBatchSize: 2 })
    expect(await other.bulk.resume()).toBe(0)
    expect((await other.bulk.job('pause-1'))!.status).toBe('paused')
    const resumed = await other.sendBulk('pause', [], { idempotencyKey: 'pause-1' })
    expect(resumed).toMatchObject({ status: 'done', sent: 6, queued: 0, handed: 4, repeated: true })
    expect(outbox(other, 'a').flatMap((m) => m.identities)).toEqual(['1002', '1003', '1004', '1005'])
  })

  it('a job whose runner died is taken over at once; the recipients not marked sent are sent, the sent ones never', async () => {
    const host = await startHost({}, { resumeBulk: false })
    const done = await host.sendBulk('crash', people(6), { idempotencyKey: 'crash-1' })
    // As a killed process leaves it: sending, its runner gone, two sent, the others queued
    // (the one it had in flight among them: its outcome never came back).
    const sql = host.db.orm.em.getConnection()
    await sql.execute("update rapidsms_bulk_job set status = 'sending', runner = ?, heartbeat = ? where id = ?", [`${hostname()}/999999999/dead`, dbDate(host, new Date()), done.jobId])
    await sql.execute("update rapidsms_bulk_recipient set status = case when identity in ('1000', '1001') then 'S' else 'Q' end where job_id = ?", [done.jobId])
    const next = await startHost({}, { resumeBulk: false })
    expect(await next.bulk.resume()).toBe(1)
    expect(outbox(next, 'a').flatMap((m) => m.identities)).toEqual(['1002', '1003', '1004', '1005'])
    expect(await next.bulk.job(done.jobId)).toMatchObject({ status: 'done', sent: 6, queued: 0 })
  })

  it('a job whose live runner went silent longer than the lease is taken over', async () => {
    const clock = new FakeClock(new Date('2026-12-02T09:00:00Z'))
    const host = await startHost({}, { clock, resumeBulk: false })
    const done = await host.sendBulk('silent', people(2), { idempotencyKey: 'silent-1' })
    const sql = host.db.orm.em.getConnection()
    const heard = new Date(clock.now() - 31_000)
    await sql.execute("update rapidsms_bulk_job set status = 'sending', runner = ?, heartbeat = ? where id = ?", [`${hostname()}/${process.ppid}/alive`, dbDate(host, heard), done.jobId])
    await sql.execute("update rapidsms_bulk_recipient set status = 'Q' where job_id = ?", [done.jobId])
    const fresh = new Date(clock.now() - 5_000)
    await sql.execute("insert into rapidsms_bulk_job (idempotency_key, message_id, text, status, total, runner, heartbeat, created_at, updated_at) values ('alive-1', 'f00dfeedf00dfeedf00dfeedf00dfeed', 'alive', 'sending', 0, ?, ?, ?, ?)", [
      `${hostname()}/${process.ppid}/alive`,
      ...Array(3).fill(dbDate(host, fresh)),
    ])
    // The silent one is taken over; the one heard of 5 s ago is not.
    expect(await host.bulk.resume()).toBe(1)
    expect(await host.bulk.job('silent-1')).toMatchObject({ status: 'done', sent: 2 })
    await expect(host.sendBulk('alive', [], { idempotencyKey: 'alive-1' })).rejects.toBeInstanceOf(BulkJobBusyError)
  })
})

describe('delivery reports', () => {
  it('a report for the job\'s message id makes its recipient D (or E)', async () => {
    const host = await startHost()
    const result = await host.sendBulk('report', people(3), { idempotencyKey: 'dlr-1' })
    await host.reportStatus({ messageId: result.messageId, identity: '1000', outcome: 'delivered', backend: 'a' })
    await host.reportStatus({ messageId: result.messageId, identity: '1001', outcome: 'failed' })
    expect((await recipients(host, result.jobId)).map((r) => r.slice(1))).toEqual([
      ['1000', 'D', null],
      ['1001', 'E', 'the gateway reported it was not delivered'],
      ['1002', 'S', null],
    ])
    expect(await host.bulk.job('dlr-1')).toMatchObject({ sent: 2, delivered: 1, failed: 1 })
  })
})

describe('send() to many connections without a key', () => {
  it('the blocking router hands each backend at most dbRouterBatchSize identities at a time', async () => {
    const host = await startHost({ dbRouterBatchSize: 2 })
    await host.send('news', await host.lookupConnections('a', ['1', '2', '3', '4', '5']))
    expect(outbox(host, 'a').map((m) => m.identities)).toEqual([['1', '2'], ['3', '4'], ['5']])
  })
})
