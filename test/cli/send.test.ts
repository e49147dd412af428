import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coreEntities, Database } from '../../src/models/index.js'
import { scratchDatabase, type ScratchDatabase } from '../../src/testing/index.js'
import { BIN, rapidsms } from '../support/cli.js'

const project = fileURLToPath(new URL('./fixtures/bulk/', import.meta.url))

let scratch: ScratchDatabase
let dir: string
let db: Database
let env: Record<string, string>

/** A CSV file in the test's folder; returns its path. */
function csv(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const send = (args: string[], extra: Record<string, string> = {}) => rapidsms(['send', ...args], { cwd: project, env: { ...env, ...extra } })
const lines = (text: string) => text.trimEnd().split('\n')

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return db.orm.em.getConnection().execute<T[]>(sql, params)
}

/** How many times the database backend sent to each identity of the message tester, by identity. */
async function sentTo(text: string): Promise<Map<string, number>> {
  const found = await rows<{ identity: string; n: number }>("select identity, count(*) as n from database_backendmessage where direction = 'O' and text = ? group by identity", [text])
  return new Map(found.map((r) => [r.identity, Number(r.n)]))
}

async function recipientStatuses(key: string): Promise<Record<string, string>> {
  const found = await rows<{ identity: string; status: string }>('select r.identity, r.status from rapidsms_bulk_recipient r join rapidsms_bulk_job j on j.id = r.job_id where j.idempotency_key = ? order by r.id', [key])
  return Object.fromEntries(found.map((r) => [r.identity, r.status]))
}

/** Start `rapidsms send ARGS`; resolves once a line of its stdout matches `ready`, with the child and what it printed. */
function sendUntil(args: string[], ready: RegExp, extra: Record<string, string>): Promise<{ child: ChildProcess; stdout: () => string; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'send', ...args], { cwd: project, env: { ...process.env, ...env, ...extra } })
    let stdout = ''
    let stderr = ''
    const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      if (ready.test(stdout)) resolve({ child, stdout: () => stdout, exited })
    })
    void exited.then((code) => reject(new Error(`exited with ${code} before ${ready}:\n${stdout}\n${stderr}`)))
  })
}

const numbers = (n: number, from = 5550000) => Array.from({ length: n }, (_, i) => String(from + i))

/**
 * `rapidsms send` of 30 numbers from `from` (a file `name`), paced to 5 sends a second of 2
 * recipients each (about 3 s for the 30), once its first progress line is out: the numbers,
 * the command's arguments (to run it again) and the running command.
 */
async function jobUnderWay(name: string, from: number, text: string, key: string) {
  const people = numbers(30, from)
  const args = ['--to-file', csv(name, `${people.join('\n')}\n`), '--text', text, '--backend', 'message_tester', '--idempotency-key', key]
  const running = await sendUntil(args, /^\d+ of 30 \(/m, { BULK_RATE_LIMIT: '5' })
  return { people, args, running }
}

beforeAll(async () => {
  scratch = await scratchDatabase()
  dir = mkdtempSync(join(tmpdir(), 'rapidsms-send-'))
  env = { DATABASE_URL: scratch.url, RAPIDSMS_LOG_LEVEL: 'warn' }
  // Before any migration: the command says what to run, and sends nothing.
  const unmigrated = await send(['--to-file', csv('one.csv', '1112223333\n'), '--text', 'x', '--backend', 'message_tester'])
  expect(unmigrated.code).toBe(1)
  expect(unmigrated.stderr).toMatch(/^rapidsms: Invalid setting "databaseUrl": the database has \d+ pending migration\(s\); run "rapidsms migrate" first$/m)
  expect((await rapidsms(['migrate'], { cwd: project, env })).code).toBe(0)
  db = await Database.open({ url: scratch.url, entities: coreEntities, migrations: [] })
})

afterAll(async () => {
  await db?.close()
  await scratch?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('rapidsms send --to-file', () => {
  it('sends to every line of the file, a line of progress each tenth, a status per recipient; the same key again sends nothing', async () => {
    const file = csv('clinic.csv', 'identity,backend\n1112220001,message_tester\n1112220002\n\n"1112220003",other\n1112220004,message_tester\n1112220002,message_tester\n1112220005\n1112220006\n')
    const first = await send(['--to-file', file, '--text', 'Clinic closed Friday', '--backend', 'message_tester', '--idempotency-key', 'closure-1'])
    expect(first.code).toBe(0)
    // Batches of 2 (dbRouterBatchSize): 5 to the message tester in 3, 1 to the other backend, side by
    // side; a line each time another tenth of the 6 is committed (batches that come back together
    // are committed together).
    const out = lines(first.stdout)
    expect(out[0]).toBe('Job 1, idempotency key closure-1: 6 recipients (1 duplicate sent once)')
    expect(out.slice(-2)).toEqual(['6 of 6 (100%): 6 sent, 0 failed', 'Done: 6 sent, 0 failed.'])
    const done = out.slice(1, -1).map((line) => Number(line.match(/^(\d) of 6 \((\d+)%\): \1 sent, 0 failed$/)?.[1]))
    expect(done.length).toBeGreaterThan(0)
    expect(done.every((n, i) => n > (done[i - 1] ?? 0))).toBe(true)
    expect(await sentTo('Clinic closed Friday')).toEqual(new Map([['1112220001', 1], ['1112220002', 1], ['1112220003', 1], ['1112220004', 1], ['1112220005', 1], ['1112220006', 1]]))
    expect(await recipientStatuses('closure-1')).toEqual({ '1112220001': 'S', '1112220002': 'S', '1112220003': 'S', '1112220004': 'S', '1112220005': 'S', '1112220006': 'S' })
    const [other] = await rows<{ n: number }>("select count(*) as n from database_backendmessage where name = 'other' and identity = '1112220003'")
    expect(Number(other!.n)).toBe(1)

    const again = await send(['--to-file', file, '--text', 'Clinic closed Friday', '--backend', 'message_tester', '--idempotency-key', 'closure-1'])
    expect(again.code).toBe(0)
    expect(lines(again.stdout)).toEqual(['Job 1 (idempotency key closure-1) was sent already: 6 sent, 0 failed; nothing was sent again.'])
    expect([...(await sentTo('Clinic closed Friday')).values()]).toEqual([1, 1, 1, 1, 1, 1])
  })

  it('shows a progress bar on a terminal, and no progress lines', async () => {
    const file = csv('tty.csv', `${numbers(20, 5553000).join('\n')}\n`)
    const command = [process.execPath, BIN, 'send', '--to-file', file, '--text', 'On a terminal', '--backend', 'message_tester', '--idempotency-key', 'tty-1'].map((a) => `'${a}'`).join(' ')
    // script(1) runs the command on a pseudo-terminal.
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: project, env: { ...process.env, ...env } })
      let output = ''
      child.stdout.on('data', (d: Buffer) => (output += d.toString()))
      child.once('close', (code) => resolve({ code, output }))
    })
    expect(result.code).toBe(0)
    const screen = result.output.replace(/\x1b\[[0-9;?]*[a-zA-Z]|\x1b[0-9]/g, '').split(/\r\n|\r|\n/)
    expect(screen.some((line) => /^Job \d+, idempotency key tty-1: 20 recipients$/.test(line))).toBe(true)
    expect(screen.some((line) => /Sending \|█+\| 100% \| 20\/20 \| 20 sent, 0 failed \| ETA 0s$/.test(line))).toBe(true)
    expect(screen).toContain('Done: 20 sent, 0 failed.')
    expect(screen.filter((line) => / of 20 \(/.test(line))).toEqual([])
  })

  it('lists every bad line with its number and sends nothing', async () => {
    const file = csv('bad.csv', '1112223333\n,message_tester\n1112223334,nope\n1112223335,message_tester,extra\n"1112223336\n1112223337\n')
    const jobs = await rows<{ n: number }>('select count(*) as n from rapidsms_bulk_job')
    const result = await send(['--to-file', file, '--text', 'never', '--backend', 'message_tester'])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(lines(result.stderr)).toEqual([
      `rapidsms: ${file}: 4 bad lines, nothing was sent:`,
      '  line 2: the identity is empty',
      '  line 3: there is no backend named "nope" (the project has: message_tester, other)',
      '  line 4: expected 1 or 2 columns (identity, backend), found 3',
      '  line 5: a quote opened on this line is never closed (the rest of the file was read as one field)',
    ])
    expect(await rows('select count(*) as n from rapidsms_bulk_job')).toEqual(jobs)
    expect((await sentTo('never')).size).toBe(0)
  })

  it.each([
    [['--to-file', 'missing.csv', '--text', 'x', '--backend', 'message_tester'], 'rapidsms: cannot read missing.csv: no such file'],
    [['--to-file', 'EMPTY', '--text', 'x', '--backend', 'message_tester'], 'rapidsms: EMPTY has no recipients'],
    [['--to-file', 'ONE', '--text', 'x'], 'rapidsms: ONE: 1 bad line, nothing was sent:\n  line 1: no backend: give --backend NAME or a backend column (the project has: message_tester, other)'],
    [['--to-file', 'ONE', '--text', 'x', '--backend', 'sms'], 'rapidsms: Invalid setting "--backend": there is no backend named "sms" (the project has: message_tester, other)'],
  ])('refuses %j clearly', async (args, message) => {
    const files: Record<string, string> = { EMPTY: csv('empty.csv', '\n\n'), ONE: csv('one.csv', '1112223333\n') }
    const result = await send(args.map((a) => files[a] ?? a))
    expect(result.code).toBe(1)
    expect(result.stderr.trimEnd()).toBe(Object.entries(files).reduce((m, [name, path]) => m.replaceAll(name, path), message))
  })

  it('the same key with another text is refused', async () => {
    const file = csv('two.csv', '1112229991\n1112229992\n')
    expect((await send(['--to-file', file, '--text', 'first', '--backend', 'other', '--idempotency-key', 'text-1'])).code).toBe(0)
    const result = await send(['--to-file', file, '--text', 'second', '--backend', 'other', '--idempotency-key', 'text-1'])
    expect(result.code).toBe(1)
    expect(result.stderr.trimEnd()).toBe('rapidsms: the idempotency key "text-1" was used for a message with another text; use a new key for a new message')
  })

  it('Ctrl-C stops once the batches in flight are back; the same command goes on with the rest, nobody sent twice', async () => {
    const { people, args, running } = await jobUnderWay('stop.csv', 5551000, 'Stop and go', 'stop-1')
    running.child.kill('SIGINT')
    expect(await running.exited).toBe(130)
    const out = lines(running.stdout())
    const job = out[0]!.match(/^Job (\d+), idempotency key stop-1: 30 recipients$/)
    expect(job).not.toBeNull()
    const stopped = out.at(-1)!.match(/^Stopped with (\d+) of 30 left to send: (\d+) sent, 0 failed\. Run the same command again to go on \(--idempotency-key stop-1\)\.$/)
    expect(stopped).not.toBeNull()
    const [left, sent] = [Number(stopped![1]), Number(stopped![2])]
    expect(left + sent).toBe(30)
    expect(left).toBeGreaterThan(0)
    const statuses = await recipientStatuses('stop-1')
    expect(Object.values(statuses).filter((s) => s === 'S')).toHaveLength(sent)
    expect(Object.values(statuses).filter((s) => s === 'Q')).toHaveLength(left)
    expect(await rows("select status, runner from rapidsms_bulk_job where idempotency_key = 'stop-1'")).toEqual([{ status: 'paused', runner: null }])

    const rest = await send(args)
    expect(rest.code).toBe(0)
    expect(lines(rest.stdout)[0]).toBe(`Job ${job![1]}, idempotency key stop-1: 30 recipients, ${left} left to send`)
    expect(lines(rest.stdout).at(-1)).toBe('Done: 30 sent, 0 failed.')
    const counts = await sentTo('Stop and go')
    expect([...counts.keys()].sort()).toEqual(people)
    expect([...counts.values()].every((n) => n === 1)).toBe(true)
  })

  it('a process killed with SIGKILL mid-job: the next run takes the job over at once; the sent are never sent again', async () => {
    const { people, args, running } = await jobUnderWay('kill.csv', 5552000, 'Killed and resumed', 'kill-1')
    running.child.kill('SIGKILL')
    await running.exited
    const [job] = await rows<{ status: string; runner: string | null }>("select status, runner from rapidsms_bulk_job where idempotency_key = 'kill-1'")
    expect(job!.status).toBe('sending')
    expect(job!.runner).toMatch(new RegExp(`/${running.child.pid}/`))
    const before = await recipientStatuses('kill-1')
    const sentBefore = Object.entries(before).filter(([, s]) => s === 'S').map(([identity]) => identity)
    expect(sentBefore.length).toBeGreaterThan(0)
    expect(sentBefore.length).toBeLessThan(30)

    const rest = await send(args)
    expect(rest.code).toBe(0)
    expect(lines(rest.stdout).at(-1)).toBe('Done: 30 sent, 0 failed.')
    const counts = await sentTo('Killed and resumed')
    expect([...counts.keys()].sort()).toEqual(people)
    // Those marked sent got it once; only those in flight when it died (at most 4 batches of 2) may have it twice.
    for (const identity of sentBefore) expect(counts.get(identity)).toBe(1)
    const twice = [...counts.values()].filter((n) => n > 1).length
    expect(twice).toBeLessThanOrEqual(8)
    expect(Object.values(await recipientStatuses('kill-1'))).toEqual(Array(30).fill('S'))
  })
})
