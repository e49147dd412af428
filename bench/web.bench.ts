/**
 * Web pages benchmark: the Message Log and the Messaging autocomplete on PostgreSQL with a
 * large log, timed by the edge itself (its request log's `ms`: from the request reaching
 * the handler to the response being ready), one client at a time.
 *
 *   npm run bench -- web
 *
 * The log holds BENCH_MESSAGES rows (default 1,000,000) for BENCH_CONTACTS contacts (default
 * 100,000), each contact with one connection; BENCH_REQUESTS requests per figure (default
 * 300, after 30 to warm up). RAPIDSMS_BENCH_POSTGRES_URL picks the server. Prints one JSON
 * line per figure: {"bench":"web","page":...,"rows":N,"p50Ms":N,"p99Ms":N}, with the conditions (the
 * machine's load average over the last minute, its cores): on a shared machine the p99 is
 * mostly time spent waiting for a core.
 */
import { loadavg } from 'node:os'
import pg from 'pg'
import { configureLogging } from '../src/core/logger.js'
import { DatabaseBackend } from '../src/index.js'
import { MessageLogApp } from '../src/contrib/messagelog/index.js'
import { MessagingApp } from '../src/contrib/messaging/index.js'
import { createScratchPostgres } from '../src/models/make-migration.js'
import { Host } from '../src/router/index.js'
import { startEdge } from '../src/web/index.js'
import { createUser } from '../src/web/accounts/users.js'
import { encodeCursor } from '../src/web/pages/keyset.js'
import { postgresUrl } from './workload.js'

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000)
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300)
const WARMUP = 30
const log = (line: string) => process.stderr.write(`${line}\n`)

/** The edge's own timing of each request, from its request log. */
const timings: { path: string; ms: number }[] = []
configureLogging({
  level: 'info',
  destination: {
    write(line: string) {
      if (!line.includes('"msg":"request"')) return
      const entry = JSON.parse(line) as { path: string; ms: number }
      timings.push({ path: entry.path, ms: entry.ms })
    },
  },
})

const scratch = await createScratchPostgres(postgresUrl, 'rapidsms_bench_web')
try {
  const settings = { apps: [MessageLogApp, MessagingApp], backends: { bench: { engine: DatabaseBackend } } }
  const host = await Host.start(settings, { databaseUrl: scratch.url })
  const sql = new pg.Client({ connectionString: scratch.url })
  await sql.connect()
  const started = performance.now()
  // Rows made by the server itself: a million inserts from Node would time the loading, not the pages.
  await sql.query(`insert into rapidsms_backend (name) values ('bench')`)
  await sql.query(
    `insert into rapidsms_contact (name, language, created_on, modified_on)
     select (array['Ann','Bob','Carl','Dora','Emma','Fred','Grace','Hugo','Ines','John','Kofi','Lena','Musa','Nina','Omar','Paul','Rosa','Sami','Tara','Wanjiru'])[1 + i % 20] || ' ' || i, '', now(), now()
     from generate_series(1, $1::int) i`,
    [CONTACTS],
  )
  await sql.query(
    `insert into rapidsms_connection (backend_id, identity, contact_id, created_on, modified_on)
     select b.id, '+2547' || lpad(i::text, 8, '0'), i, now(), now() from generate_series(1, $1::int) i, rapidsms_backend b`,
    [CONTACTS],
  )
  await sql.query(
    `insert into messagelog_message (contact_id, connection_id, direction, date, text)
     select c, c, case when i % 2 = 0 then 'I' else 'O' end, now() - interval '100 days' + i * (interval '100 days' / $1::int), 'message number ' || i
     from (select i, (1 + (i::bigint * 7919) % $2::int)::int as c from generate_series(1, $1::int) i) s`,
    [MESSAGES, CONTACTS],
  )
  await sql.query('analyze')
  log(`loaded ${MESSAGES} messages and ${CONTACTS} contacts in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  // A page deep in the log: its cursor, as the page before it would link it.
  const deep = (await sql.query(`select date::text as date, id from messagelog_message order by date desc, id desc offset $1 limit 1`, [Math.floor(MESSAGES * 0.9)])).rows[0] as { date: string; id: number }
  await sql.end()

  await createUser(host.db.orm.em.fork(), { username: 'bench', password: 'bench password 1', superuser: true })
  const edge = await startEdge(host, { port: 0 })
  // Log in as a browser would: the CSRF cookie and token, then the session cookie.
  const cookies = new Map<string, string>()
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1))
    }
  }
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const form = await fetch(`${edge.url}/accounts/login/`)
  remember(form)
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await form.text())![1]!
  const login = await fetch(`${edge.url}/accounts/login/`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookie(), origin: edge.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfmiddlewaretoken: token, username: 'bench', password: 'bench password 1', next: '/' }),
  })
  if (login.status !== 302) throw new Error(`login failed: ${login.status}`)
  remember(login)

  const identity = (i: number) => `+2547${String(1 + ((i * 104729) % CONTACTS)).padStart(8, '0')}`
  const prefixes = ['ann', 'bo', 'car', 'Dor', 'emma 1', 'wanj', '+2547000', '+25470004', 'gr', 'kofi 9']
  const figures: { page: string; path: (i: number) => string; check: (body: string) => boolean }[] = [
    { page: 'messagelog-first', path: () => '/messagelog/', check: (b) => b.includes(`message number ${MESSAGES}<`) },
    { page: 'messagelog-deep', path: () => `/messagelog/?after=${encodeCursor([deep.date, deep.id])}`, check: (b) => (b.match(/class="msg-text"/g) ?? []).length === 50 },
    { page: 'messagelog-identity', path: (i) => `/messagelog/?identity=${encodeURIComponent(identity(i))}`, check: (b) => b.includes(identity(0).slice(0, 5)) },
    { page: 'autocomplete', path: (i) => `/contacts/search.json?q=${encodeURIComponent(prefixes[i % prefixes.length]!)}`, check: (b) => (JSON.parse(b) as unknown[]).length > 0 },
  ]
  const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
  for (const figure of figures) {
    const client: number[] = []
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      if (i === WARMUP) timings.length = 0
      const t = performance.now()
      const response = await fetch(`${edge.url}${figure.path(i)}`, { headers: { cookie: cookie() } })
      const body = await response.text()
      if (response.status !== 200 || !figure.check(body)) throw new Error(`${figure.page}: ${response.status} ${body.slice(0, 300)}`)
      if (i >= WARMUP) client.push(performance.now() - t)
    }
    const server = timings.map((t) => t.ms).sort((a, b) => a - b)
    client.sort((a, b) => a - b)
    log(`${figure.page}: server p50 ${quantile(server, 0.5)} ms, p99 ${quantile(server, 0.99)} ms, max ${server.at(-1)} ms; client p50 ${quantile(client, 0.5).toFixed(1)} ms, p99 ${quantile(client, 0.99).toFixed(1)} ms`)
    const rows = figure.page === 'autocomplete' ? CONTACTS : MESSAGES
    process.stdout.write(`${JSON.stringify({ bench: 'web', page: figure.page, rows, p50Ms: quantile(server, 0.5), p99Ms: quantile(server, 0.99), requests: server.length, contacts: CONTACTS, database: 'postgresql', loadAvg1: Math.round(loadavg()[0]! * 10) / 10, cores: (await import('node:os')).cpus().length })}\n`)
  }
  await edge.close()
  await host.stop()
} finally {
  await scratch.drop()
}
