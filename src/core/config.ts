import { z } from 'zod'
import { ConfigError } from './errors.js'
import { isKind, type Kind } from './kinds.js'

/** RapidSMS's stock DEFAULT_RESPONSE. */
export const DEFAULT_RESPONSE = 'Sorry, %(project_name)s could not understand your message.'
/** RapidSMS's stock PROJECT_NAME. */
export const PROJECT_NAME = 'RapidSMS'
/** RapidSMS's DB_ROUTER_DEFAULT_BATCH_SIZE. */
export const DB_ROUTER_BATCH_SIZE = 200
/** A backend name is stored in a 20-character column (behaviour 9). */
export const BACKEND_NAME_MAX = 20
/** An identity is stored in a 100-character column (behaviour 9). */
export const IDENTITY_MAX = 100
/** The DatabaseRouter stores an incoming message's external id in a 1024-character column (RapidSMS's Message.external_id). */
export const EXTERNAL_ID_MAX = 1024
/** Where `rapidsms start` serves the web edge unless told otherwise. */
export const DEFAULT_WEB = { host: '127.0.0.1', port: 8000 } as const

/** The router names, with RapidSMS's dotted paths accepted as aliases. */
const ROUTER_ALIASES: Record<string, RouterName> = {
  blocking: 'blocking',
  queued: 'queued',
  database: 'database',
  'rapidsms.router.blocking.BlockingRouter': 'blocking',
  'rapidsms.router.blocking.router.BlockingRouter': 'blocking',
  'rapidsms.router.celery.CeleryRouter': 'queued',
  'rapidsms.router.db.DatabaseRouter': 'database',
}
export type RouterName = 'blocking' | 'queued' | 'database'

const kindOf = (kind: Kind, what: string) =>
  z.custom<any>((value) => isKind(value, kind), { message: `expected ${what}` })

/** The backend entry: `engine` is the backend class, every other key is its configuration. */
const backendEntry = z
  .object({ engine: kindOf('backend', 'a backend class (a subclass of BackendBase) as "engine"') })
  .catchall(z.unknown())

/** The settings every project has; apps add their own (see `AppBase.settings`). */
export const coreSettings = {
  projectName: z.string().default(PROJECT_NAME),
  defaultResponse: z.string().nullable().default(DEFAULT_RESPONSE),
  apps: z.array(kindOf('app', 'an app class (a subclass of AppBase)')).default([]),
  /** RAPIDSMS_HANDLERS. Not set: the handlers app discovers its apps' handlers (deprecated, as in RapidSMS). */
  handlers: z.array(kindOf('handler', 'a handler class (a subclass of BaseHandler)')).optional(),
  backends: z
    .record(
      z.string().min(1, 'a backend name cannot be empty').max(BACKEND_NAME_MAX, `a backend name has at most ${BACKEND_NAME_MAX} characters`),
      backendEntry,
    )
    .default({}),
  router: z
    .string()
    .refine((name) => name in ROUTER_ALIASES, { message: `expected one of ${Object.keys(ROUTER_ALIASES).slice(0, 3).join(', ')}` })
    .transform((name) => ROUTER_ALIASES[name] as RouterName)
    .default('blocking'),
  dbRouterBatchSize: z.number().int().positive().default(DB_ROUTER_BATCH_SIZE),
  /** The language replies are written in (Django's LANGUAGE_CODE). */
  languageCode: z.string().min(1).default('en'),
  /**
   * Answer each contact in its own language (Contact.language) wherever the catalogs have
   * it. Off by default, as in RapidSMS: translation is explicit (docs 11), so after
   * `LANG fr` the contrib apps still answer in `languageCode`.
   */
  replyInContactLanguage: z.boolean().default(false),
  /** `postgres://...` for PostgreSQL, or `sqlite:FILE` (default `sqlite:rapidsms.db`). DATABASE_URL overrides it. */
  databaseUrl: z.string().min(1).optional(),
  /** The project's own entities (tables), besides those of apps and backends. */
  entities: z.array(z.custom<object>((v) => typeof v === 'object' && v !== null, { message: 'expected an entity (defineEntity)' })).default([]),
  /** The project's own migrations (from `rapidsms makemigrations`), oldest first. */
  migrations: z
    .array(z.object({ name: z.string().min(1), class: z.custom<Function>((v) => typeof v === 'function', { message: 'expected a migration class' }) }))
    .default([]),
  /** A NATS server (`nats://host:4222`) to put the hosts' bus on; NATS_URL overrides it. */
  natsUrl: z.string().optional(),
  /** Loads the project's initial data (e.g. the tutorial's choices) into an empty database. */
  fixtures: z.custom<(em: any) => unknown>((v) => typeof v === 'function', { message: 'expected a function (em) => Promise<void>' }).optional(),
  /** How long a connection actor stays in memory after its last message. */
  connectionIdleMs: z.number().int().positive().default(60_000),
  /**
   * The project's own entities in the admin (Django's admin.site.register): an entity, or
   * `{ entity, list, search, readOnly, nav }`. Apps and backends register theirs themselves.
   */
  admin: z
    .array(z.custom<object>((v) => typeof v === 'object' && v !== null, { message: 'expected an entity (defineEntity) or { entity, list, search, readOnly, nav }' }))
    .default([]),
  /** The web edge `rapidsms start` serves: backend endpoints under /backend/<name>/, /health, the web pages. */
  web: z
    .object({
      host: z.string().min(1, 'expected a host name or address').default(DEFAULT_WEB.host),
      port: z.number().int('expected a whole number').min(0, 'expected a port from 0 to 65535').max(65535, 'expected a port from 0 to 65535').default(DEFAULT_WEB.port),
      /** Largest request body accepted by a backend endpoint, in bytes (larger: 413). */
      bodyLimit: z.number().int().positive().default(1024 * 1024),
      /** How long shutdown waits for requests in flight before closing their connections. */
      shutdownGraceMs: z.number().int().nonnegative().default(10_000),
      /** Log one line per request (level info). */
      requestLog: z.boolean().default(true),
      /** Serve the web pages (login, dashboard, the apps' pages, the admin); false: backend endpoints only. */
      pages: z.boolean().default(true),
      /** Largest form or upload the pages accept, in bytes (a CSV of contacts, a file of messages). */
      uploadLimit: z.number().int().positive().default(10 * 1024 * 1024),
      /**
       * Signs session cookies and CSRF tokens (Django's SECRET_KEY); RAPIDSMS_SECRET_KEY
       * overrides it. Unset: the project generates one and keeps it in its database.
       */
      secretKey: z.string().min(32, 'expected at least 32 characters of random text').optional(),
      /** The top navigation's links, in order (default: every installed app's pages). */
      nav: z.array(z.object({ label: z.string().min(1), href: z.string().startsWith('/', 'expected a path on this site, e.g. "/messagelog/"') }).strict()).optional(),
    })
    .strict()
    .default({ host: DEFAULT_WEB.host, port: DEFAULT_WEB.port, bodyLimit: 1024 * 1024, shutdownGraceMs: 10_000, requestLog: true, pages: true, uploadLimit: 10 * 1024 * 1024 }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
} satisfies z.ZodRawShape

/** A class that contributes settings of its own (apps do, e.g. registration's `languages`). */
interface SettingsContributor {
  readonly name: string
  readonly settings?: Record<string, z.ZodType>
}

type CoreSettings = z.output<z.ZodObject<typeof coreSettings>>

/** The validated settings, with every default filled in. App settings ride along by name. */
export interface Settings extends CoreSettings {
  [appSetting: string]: unknown
}

/** What a user writes in rapidsms.config.ts (all optional, defaults apply). */
export type UserSettings = z.input<z.ZodObject<typeof coreSettings>> & Record<string, unknown>

const VALIDATED = Symbol('rapidsms.settings')

/**
 * Check the settings of a project and fill in defaults. A wrong key or type throws a
 * ConfigError naming it, so a project never starts half-configured.
 * @example export default defineConfig({ projectName: 'Clinic', apps: [PingPong, DefaultApp] })
 */
export function defineConfig(settings: UserSettings): Settings {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new ConfigError('', 'expected an object of settings')
  if ((settings as Record<symbol, unknown>)[VALIDATED]) return settings as Settings
  const shape: Record<string, z.ZodType> = { ...coreSettings }
  const apps: unknown = settings.apps
  if (Array.isArray(apps)) {
    for (const app of apps as SettingsContributor[]) {
      for (const [key, schema] of Object.entries(app?.settings ?? {})) {
        if (!(key in coreSettings)) shape[key] = schema
      }
    }
  }
  const result = z.object(shape).strict().safeParse(settings)
  if (!result.success) throw toConfigError(result.error, Object.keys(shape))
  const validated = result.data as Settings
  Object.defineProperty(validated, VALIDATED, { value: true })
  return validated
}

function toConfigError(error: z.ZodError, known: string[]): ConfigError {
  const issue = error.issues[0]!
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!
    if (issue.path.length) return new ConfigError([...issue.path, key].join('.'), 'unknown setting')
    const near = known.find((k) => k.toLowerCase() === key.toLowerCase().replaceAll('_', ''))
    const hint = near ? ` (did you mean "${near}"?)` : ` (known settings: ${known.join(', ')})`
    return new ConfigError([...issue.path, key].join('.'), `unknown setting${hint}`)
  }
  if (issue.code === 'invalid_key' && issue.issues[0]) return new ConfigError(issue.path.join('.'), issue.issues[0].message)
  return new ConfigError(issue.path.join('.'), issue.message)
}

/**
 * Backend configuration keys are case-insensitive: RapidSMS lower-cases them before the
 * backend sees them (behaviour 26: `fooBar` is `foobar`). A camelCase key is also given as
 * snake_case (`sendsmsUrl` is `sendsmsurl` and `sendsms_url`), so TypeScript projects can
 * keep their casing for the settings backends read in snake_case.
 */
export function normalizeBackendConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(config)) {
    if (key === 'engine') continue
    out[key.toLowerCase()] = value
    const snake = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
    if (!(snake in config)) out[snake] = value
  }
  return out
}
