import type { EntityManager } from '@mikro-orm/knex'
import type { AppClass } from '../apps/index.js'
import type { BackendClass } from '../backends/base.js'
import { MockBackend, type SentMessage } from '../backends/mock/index.js'
import type { Clock } from '../core/clock.js'
import type { UserSettings } from '../core/config.js'
import { IncomingMessage, OutgoingMessage, type ConnectionLike, type MessageFields } from '../core/messages/index.js'
import { Backend, Connection, Contact, type Database } from '../models/index.js'
import { DialogueApp } from '../contrib/dialogues/app.js'
import { Host } from '../runtime/host.js'
import { setRouter } from '../router/index.js'
import { scratchDatabase, type ScratchDatabase } from './database.js'
import { FakeClock } from './fake-clock.js'
import { randomString } from './random.js'
import { formatFailure, parseScript, runSteps, ScriptSyntaxError, type Reply, type ScriptHarness, type ScriptOptions } from './script.js'

/** A MockBackend that keeps the tables (entities, migrations) of the backend it stands in for. */
function mockOf(engine: BackendClass): BackendClass {
  return class extends MockBackend {
    static override entities = engine.entities
    static override migrations = engine.migrations
  } as unknown as BackendClass
}

export interface RapidTestOptions {
  /** The project's settings to start from (e.g. the default export of rapidsms.config.ts). */
  settings?: UserSettings
  /** Apps to load instead of the settings' apps. */
  apps?: AppClass[]
  /** Handlers instead of the settings' handlers (RapidSMS's `handlers` override). */
  handlers?: unknown[]
  /**
   * Backends for the test, besides `mockbackend` (RapidSMS's `backends` override). The
   * settings' own backends are not used unless `mockProjectBackends` is set.
   */
  backends?: Record<string, { engine: unknown; [key: string]: unknown }>
  /** Keep the settings' backends, with every engine replaced by MockBackend (what scripts do). */
  mockProjectBackends?: boolean
  /** Record messages but run no phases. */
  disablePhases?: boolean
  /** Base database: a PostgreSQL URL runs on a scratch database of that server; default SQLite. */
  databaseUrl?: string
  /** Load the settings' fixtures after every reset. */
  fixtures?: boolean
  /** The router to test with (RapidSMS's `router_class`): `blocking` unless asked. */
  router?: 'blocking' | 'database'
  /**
   * The host's clock. A FakeClock lets the test move time on by hand (`advanceTime()`, `...`
   * lines in scripts). Without one the host keeps real time, which tests of backend retries
   * rely on; so the harness never fakes time unless asked.
   */
  clock?: Clock
}

/**
 * The harness of docs 15.2: a router on a scratch database with a `mockbackend`, recording
 * what it receives (`inbound`) and sends (`outbound`) and what reached backends
 * (`sentMessages`). Call setup() before the tests, reset() between them, teardown() after;
 * `useRapidTest()` registers those hooks for vitest.
 */
export class RapidTest {
  /** Every message received by the router since the last reset. */
  readonly inbound: IncomingMessage[] = []
  /** Every message the router sent (before its outgoing phase) since the last reset. */
  readonly outbound: OutgoingMessage[] = []
  #host: Host | undefined
  #scratch: ScratchDatabase | undefined
  #settings: UserSettings | undefined

  constructor(readonly options: RapidTestOptions = {}) {}

  async setup(): Promise<this> {
    const base = this.options.settings ?? {}
    const mocked = this.options.mockProjectBackends
      ? Object.fromEntries(Object.entries(base.backends ?? {}).map(([name, entry]) => [name, { engine: mockOf(entry.engine as BackendClass) }]))
      : {}
    const settings: UserSettings = {
      ...base,
      apps: this.options.apps ?? base.apps ?? [],
      handlers: (this.options.handlers ?? base.handlers) as UserSettings['handlers'],
      backends: { ...mocked, mockbackend: { engine: MockBackend }, ...this.options.backends } as UserSettings['backends'],
      router: this.options.router ?? 'blocking',
    }
    this.#scratch = await scratchDatabase(this.options.databaseUrl)
    this.#settings = settings
    await this.#startHost()
    if (this.options.fixtures) await this.loadFixtures()
    return this
  }

  async #startHost(): Promise<void> {
    this.#host = await Host.start(this.#settings!, {
      databaseUrl: this.#scratch!.url,
      disablePhases: this.options.disablePhases,
      clock: this.options.clock,
      inspect: (event) => {
        if (event.type === 'message.received') this.inbound.push(event.message)
        else if (event.type === 'message.sending') this.outbound.push(event.message)
      },
    })
    // What a stopped host left is finished before the first test resets the tables: a reset
    // racing the DatabaseRouter's resume can deadlock on PostgreSQL.
    await this.#host.resumed
    setRouter(this.#host)
  }

  /**
   * Stop the host as a deploy would and start a new one on the same database (and clock):
   * what the stopped host stored (sessions, their timers) is all the new one knows.
   */
  async restart(): Promise<void> {
    setRouter(undefined)
    await this.#host?.stop()
    await this.#startHost()
  }

  /** Empty every table and every record, as if the test had just started. */
  async reset(): Promise<void> {
    this.inbound.length = 0
    this.outbound.length = 0
    this.clearSentMessages()
    this.router.releaseIdleConnections(0)
    await this.db.clear()
    // Wake times of rows that are gone go too.
    await this.router.scheduler.reload()
    if (this.options.fixtures) await this.loadFixtures()
  }

  async teardown(): Promise<void> {
    setRouter(undefined)
    await this.#host?.stop()
    await this.#scratch?.dispose()
    this.#host = undefined
  }

  /** Run the settings' `fixtures` loader. */
  async loadFixtures(): Promise<void> {
    const fixtures = this.router.settings.fixtures
    if (!fixtures) return
    const em = this.em()
    await fixtures(em)
    await em.flush()
  }

  get router(): Host {
    if (!this.#host) throw new Error('Call setup() first (useRapidTest() does it in beforeAll).')
    return this.#host
  }

  get db(): Database {
    return this.router.db
  }

  /** A fresh EntityManager on the test database. */
  em(): EntityManager {
    return this.db.orm.em.fork()
  }

  receive(text: string, connection: ConnectionLike, fields: MessageFields = {}): Promise<IncomingMessage> {
    return this.router.receive(text, connection, fields)
  }

  send(text: string, connections: ConnectionLike | ConnectionLike[]): Promise<OutgoingMessage> {
    return this.router.send(text, connections)
  }

  /**
   * Connections for identities on `mockbackend` (or the backend given), created if missing.
   * Also takes RapidSMS's other order: lookupConnections('backend', ['id1']).
   */
  lookupConnections(identities: string[], backend?: string): Promise<Connection[]>
  lookupConnections(backend: string, identities: string[]): Promise<Connection[]>
  lookupConnections(a: string[] | string, b?: string | string[]): Promise<Connection[]> {
    return typeof a === 'string' ? this.router.lookupConnections(a, b as string[]) : this.router.lookupConnections((b as string) ?? 'mockbackend', a)
  }

  /** What reached every mock backend, in order. */
  get sentMessages(): (SentMessage & { backend: string })[] {
    const sent: (SentMessage & { backend: string })[] = []
    for (const [name, actor] of this.router.backends) {
      if (actor.backend instanceof MockBackend) for (const m of actor.backend.outbox) sent.push({ ...m, backend: name })
    }
    return sent
  }

  clearSentMessages(): void {
    for (const actor of this.#host?.backends.values() ?? []) if (actor.backend instanceof MockBackend) actor.backend.outbox.length = 0
  }

  /**
   * Run a conversation script (see script.ts) as RapidSMS's runScript does: each `<` takes a
   * matching reply not yet checked, unchecked replies are ignored; `{ strict: true }` wants
   * every reply, in order. Throws an Error listing every mismatch.
   */
  async runScript(source: string, options: ScriptOptions = {}): Promise<void> {
    const failures = await runSteps(parseScript(source), (identity, text) => this.exchange(identity, text), options, this.scriptHarness())
    if (failures.length) throw new Error(`Script failed:\n${failures.map(formatFailure).join('\n')}`)
  }

  /**
   * What runs a script's `...` lines (with a FakeClock) and `!` lines: `! restart`, and
   * `! startDialogue NAME IDENTITY...` (on mockbackend).
   */
  scriptHarness(): ScriptHarness {
    const command = async (words: string[], line: number): Promise<Reply[]> => {
      const [name, ...args] = words
      const before = this.sentMessages.length
      if (name === 'restart' && !args.length) await this.restart()
      else if (name === 'startDialogue' && args.length >= 2) {
        const app = this.router.getApp(DialogueApp)
        if (!app) throw new ScriptSyntaxError(line, '"! startDialogue" needs DialogueApp in the apps')
        await app.startDialogue(args[0]!, await this.lookupConnections(args.slice(1)))
        return this.#repliesSince(before)
      } else throw new ScriptSyntaxError(line, `unknown command "! ${words.join(' ')}" (known: "! restart", "! startDialogue NAME IDENTITY...")`)
      return []
    }
    return { ...(this.router.clock instanceof FakeClock && { advance: (ms: number) => this.advanceTime(ms) }), command }
  }

  /**
   * Move the harness's FakeClock on by `by` (`'24h'`, `'90m'`, `'1h 30m'` or milliseconds):
   * timers falling due on the way fire in order (a dialogue's reminders and expiry), each
   * finished before the next. The replies they sent, in order.
   * @example expect(await rapid.advanceTime('24h')).toEqual([{ identity: '1112223333', text: 'Reminder: ...' }])
   */
  async advanceTime(by: number | string): Promise<Reply[]> {
    const clock = this.router.clock
    if (!(clock instanceof FakeClock)) throw new Error('advanceTime() needs a harness with a FakeClock: useRapidTest({ clock: new FakeClock() })')
    const before = this.sentMessages.length
    await clock.advance(by)
    return this.#repliesSince(before)
  }

  /** Send `text` from `identity` on mockbackend; the replies that reached backends. */
  async exchange(identity: string, text: string, backend = 'mockbackend'): Promise<Reply[]> {
    const before = this.sentMessages.length
    const [connection] = await this.lookupConnections([identity], backend)
    await this.receive(text, connection!)
    return this.#repliesSince(before)
  }

  #repliesSince(count: number): Reply[] {
    return this.sentMessages.slice(count).flatMap((m) => m.identities.map((id) => ({ identity: id, text: m.text })))
  }

  // Data factories (RapidSMS's CreateDataMixin).

  async createBackend(data: Partial<Backend> = {}): Promise<Backend> {
    const em = this.em()
    const backend = em.create(Backend, { name: randomString(12), ...data })
    await em.flush()
    return backend
  }

  async createContact(data: Partial<Contact> = {}): Promise<Contact> {
    const em = this.em()
    const contact = em.create(Contact, { name: randomString(12), language: '', ...data } as Contact)
    await em.flush()
    return contact
  }

  async createConnection(data: Partial<Connection> = {}): Promise<Connection> {
    const em = this.em()
    const backend = data.backend ? em.merge(data.backend) : em.create(Backend, { name: randomString(12) })
    const contact = data.contact ? em.merge(data.contact) : null
    const connection = em.create(Connection, { identity: randomString(10), ...data, backend, contact } as Connection)
    await em.flush()
    return connection
  }

  async createIncomingMessage(data: Partial<ConstructorParameters<typeof IncomingMessage>[0]> = {}): Promise<IncomingMessage> {
    return new IncomingMessage({ text: randomString(20), connections: data?.connections ?? [await this.createConnection()], ...data })
  }

  async createOutgoingMessage(data: Partial<ConstructorParameters<typeof OutgoingMessage>[0]> = {}, backend?: Backend): Promise<OutgoingMessage> {
    const connections = data?.connections ?? [await this.createConnection(backend ? { backend } : {})]
    return new OutgoingMessage({ text: randomString(20), connections, ...data })
  }
}
