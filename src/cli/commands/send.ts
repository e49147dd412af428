import { randomBytes } from 'node:crypto'
import { Presets, SingleBar } from 'cli-progress'
import { BulkInputError, BulkJobBusyError, IdempotencyConflictError, type BulkProgress, type BulkResult } from '../../core/bulk.js'
import { ConfigError } from '../../core/errors.js'
import { Host } from '../../runtime/host.js'
import { CommandError } from '../errors.js'
import type { LoadedConfig } from '../load-config.js'
import { readRecipientsFile, type BadLine } from './recipients-file.js'

export interface SendOptions {
  toFile: string
  text: string
  /** For rows without a backend column (default: the project's only backend). */
  backend?: string
  /** Default: a new one, printed so a rerun can go on. */
  idempotencyKey?: string
}

/** Where the command writes: lines for people, and whether stderr is a terminal (a progress bar). */
export interface SendOutput {
  out: (line: string) => void
  tty: boolean
}

/** Bad lines listed before giving up. */
const SHOWN = 20

/**
 * `rapidsms send --to-file numbers.csv --text "..."`: send one text to every recipient of a
 * CSV file as a bulk job (see docs/bulk.md). The file is checked first, every line: any bad
 * one is listed with its line number and nothing is sent. Then the job runs on a host of the
 * project (its backends, its database, migrated already), with a progress bar on a terminal
 * and a line every 10% otherwise. Ctrl-C stops it once the batches in flight are back; the
 * same command again (the same idempotency key) goes on where it stopped, and once done it
 * sends nothing again. Exit code 0 when the job is done (failed recipients are listed), 130
 * when stopped.
 */
export async function send(config: LoadedConfig, options: SendOptions, output: SendOutput): Promise<number> {
  const { out } = output
  if (!options.text) throw new CommandError('--text is empty: give the message to send')
  const backends = Object.keys(config.settings.backends)
  if (options.backend !== undefined && !backends.includes(options.backend)) throw new ConfigError('--backend', `there is no backend named "${options.backend}" (the project has: ${backends.join(', ') || 'none'})`)
  const fileOptions = { backends, backend: options.backend }
  const bad = await checkFile(options.toFile, fileOptions)
  if (bad.count) {
    const listed = bad.lines.map((b) => `  line ${b.line}: ${b.reason}`)
    const more = bad.count > bad.lines.length ? [`  and ${bad.count - bad.lines.length} more`] : []
    throw new CommandError([`${options.toFile}: ${bad.count} bad line${bad.count === 1 ? '' : 's'}, nothing was sent:`, ...listed, ...more].join('\n'))
  }
  if (!bad.recipients) throw new CommandError(`${options.toFile} has no recipients`)

  const key = options.idempotencyKey ?? `send-${randomBytes(8).toString('hex')}`
  const stop = new AbortController()
  let signals = 0
  const onSignal = () => {
    if (++signals > 1) process.exit(130)
    stop.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  let host: Host | undefined
  const progress = new Progress(output)
  try {
    host = await Host.start(config.settings, { cwd: config.dir, migrate: false, resumeBulk: false })
    let result: BulkResult
    try {
      result = await host.sendBulk(options.text, readRecipientsFile(options.toFile, fileOptions), {
        idempotencyKey: key,
        signal: stop.signal,
        onProgress: (p) => progress.update(p, key, bad.recipients),
      })
    } catch (error) {
      if (error instanceof BulkInputError || error instanceof IdempotencyConflictError || error instanceof BulkJobBusyError) throw new CommandError(error.message)
      throw error
    } finally {
      progress.stop()
    }
    return await report(host, result, progress, key, out)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await host?.stop()
  }
}

/** Read the whole file once: its recipients, and its bad lines (the first SHOWN of them). */
async function checkFile(path: string, options: { backends: string[]; backend?: string }): Promise<{ recipients: number; count: number; lines: BadLine[] }> {
  const found = { recipients: 0, count: 0, lines: [] as BadLine[] }
  for await (const _ of readRecipientsFile(path, options, (line) => {
    found.count++
    if (found.lines.length < SHOWN) found.lines.push(line)
  })) {
    found.recipients++
  }
  // The parser tells some lines (an unclosed quote) before the records read ahead of them.
  found.lines.sort((a, b) => a.line - b.line)
  return found
}

/** The last lines: what became of the job, the failed recipients (the first 10), how to go on. */
async function report(host: Host, result: BulkResult, progress: Progress, key: string, out: (line: string) => void): Promise<number> {
  const summary = `${result.sent} sent, ${result.failed} failed`
  if (result.status === 'done' && result.repeated && !result.handed) {
    out(`Job ${result.jobId} (idempotency key ${key}) was sent already: ${summary}; nothing was sent again.`)
    return 0
  }
  if (!progress.started) progress.start(result, key)
  if (result.status !== 'done') {
    const left = result.status === 'loading' ? 'before sending anything' : `with ${result.queued} of ${result.total} left to send`
    out(`Stopped ${left}: ${summary}. Run the same command again to go on (--idempotency-key ${key}).`)
    return 130
  }
  out(`Done: ${summary}.`)
  const failures = await host.bulk.failures(result.jobId)
  for (const failure of failures) out(`  failed: ${failure.identity} (${failure.backend}): ${failure.error}`)
  if (result.failed > failures.length) out(`  and ${result.failed - failures.length} more (rapidsms_bulk_recipient, status E)`)
  return 0
}

/** Progress on a terminal (a bar on stderr) or as lines, one each time another tenth is done. */
class Progress {
  started = false
  #bar: SingleBar | undefined
  #tenths = 0

  constructor(private readonly output: SendOutput) {}

  start(job: { jobId: number; total: number; sent: number; failed: number }, key: string, read?: number): void {
    this.started = true
    const duplicates = read !== undefined && read > job.total ? ` (${read - job.total} duplicate${read - job.total === 1 ? '' : 's'} sent once)` : ''
    const left = job.sent + job.failed ? `, ${job.total - job.sent - job.failed} left to send` : ''
    this.output.out(`Job ${job.jobId}, idempotency key ${key}: ${job.total} recipients${duplicates}${left}`)
    this.#tenths = Math.floor(((job.sent + job.failed) / job.total) * 10)
    if (this.output.tty) {
      this.#bar = new SingleBar({ format: 'Sending |{bar}| {percentage}% | {value}/{total} | {sent} sent, {failed} failed | ETA {eta_formatted}', hideCursor: true }, Presets.shades_classic)
      this.#bar.start(job.total, job.sent + job.failed, { sent: job.sent, failed: job.failed })
    }
  }

  update(p: BulkProgress, key: string, read: number): void {
    if (p.phase !== 'sending') return
    if (!this.started) return this.start(p, key, read)
    const done = p.sent + p.failed
    if (this.#bar) return this.#bar.update(done, { sent: p.sent, failed: p.failed })
    const tenths = Math.floor((done / p.total) * 10)
    if (tenths <= this.#tenths) return
    this.#tenths = tenths
    this.output.out(`${done} of ${p.total} (${Math.floor((done / p.total) * 100)}%): ${p.sent} sent, ${p.failed} failed`)
  }

  stop(): void {
    this.#bar?.stop()
    this.#bar = undefined
  }
}
