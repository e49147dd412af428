import { createReadStream, statSync } from 'node:fs'
import { pipeline } from 'node:stream'
import { parse } from 'csv-parse'
import { BulkInputError, type BulkRecipientInput } from '../../core/bulk.js'
import { checkRecipient } from '../../runtime/bulk/recipients.js'
import { CommandError } from '../errors.js'

/** What a recipients file is read against: the project's backends and the one rows without a backend go to. */
export interface RecipientsFileOptions {
  backends: readonly string[]
  /** `--backend`: for rows without a backend column (default: the project's only backend). */
  backend?: string
}

/** A line of the file that cannot be sent to. */
export interface BadLine {
  line: number
  reason: string
}

const IDENTITY_HEADERS = new Set(['identity', 'phone', 'number'])

/**
 * The recipients of a CSV file, one a line, as they are read: `identity` or
 * `identity,backend` (quotes as CSV has them, spaces around fields ignored, blank lines
 * skipped, a UTF-8 BOM allowed). A first line naming the columns (`identity`, `phone` or
 * `number`, and `backend`, in any order) is a header. Rows without a backend go to
 * `--backend`, else the project's only backend. Each row is checked as `sendBulk()` checks a
 * recipient; a bad one is given to `bad` and skipped, or, without `bad`, thrown as a
 * BulkInputError naming its line.
 */
export async function* readRecipientsFile(path: string, options: RecipientsFileOptions, bad?: (line: BadLine) => void): AsyncGenerator<BulkRecipientInput & { line: number }> {
  try {
    if (!statSync(path).isFile()) throw new CommandError(`cannot read ${path}: it is not a file`)
  } catch (error) {
    if (error instanceof CommandError) throw error
    throw new CommandError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  const backends = new Set(options.backends)
  const fallback = options.backend ?? (options.backends.length === 1 ? options.backends[0] : undefined)
  let lastLine = 0
  const fail = (line: number, reason: string) => {
    if (!bad) throw new BulkInputError(`line ${line}`, reason)
    bad({ line, reason })
  }
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
    skip_records_with_error: true,
    // The parser's own order (records are read later): where the last good record ended.
    on_record: (record: unknown, context: { lines: number }) => {
      lastLine = context.lines
      return record
    },
    on_skip: (error: (Error & { code?: string; lines?: number }) | undefined) => {
      // An unclosed quote runs to the end of the file: it opened on the line after the last record.
      if (error?.code === 'CSV_QUOTE_NOT_CLOSED') fail(lastLine + 1, 'a quote opened on this line is never closed (the rest of the file was read as one field)')
      else fail(error?.lines ?? lastLine + 1, `could not read this line as CSV: ${error?.message ?? 'malformed'}`)
      return undefined
    },
  } as never)
  pipeline(createReadStream(path), parser, () => {})
  let columns: { identity: number; backend: number | undefined; count: number } | undefined
  let position = 0
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const line = info.lines
    if (columns === undefined && !position) {
      const names = record.map((field) => field.toLowerCase())
      const identity = names.findIndex((name) => IDENTITY_HEADERS.has(name))
      if (identity >= 0 && names.every((name) => IDENTITY_HEADERS.has(name) || name === 'backend') && names.filter((n) => IDENTITY_HEADERS.has(n)).length === 1) {
        const backend = names.indexOf('backend')
        columns = { identity, backend: backend >= 0 ? backend : undefined, count: names.length }
        continue
      }
    }
    position++
    // A row may leave its backend out (the last column, or the only one after the identity).
    if (columns ? record.length > columns.count || record.length <= columns.identity : record.length > 2) {
      fail(line, columns ? `expected ${columns.count} columns, as the header says, found ${record.length}` : `expected 1 or 2 columns (identity, backend), found ${record.length}`)
      continue
    }
    const identity = record[columns?.identity ?? 0] ?? ''
    const backend = record[columns ? (columns.backend ?? -1) : 1] || fallback
    if (!backend) {
      fail(line, `no backend: give --backend NAME or a backend column (the project has: ${options.backends.join(', ')})`)
      continue
    }
    let checked: { backend: string; identity: string }
    try {
      checked = checkRecipient({ backend, identity, line }, position, backends)
    } catch (error) {
      if (!(error instanceof BulkInputError) || !bad) throw error
      bad({ line, reason: error.reason })
      continue
    }
    yield { ...checked, line }
  }
}
