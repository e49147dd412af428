import { ValidationError } from '../../core/errors.js'

/**
 * A daily window when nobody is messaged first: reminders, expiry notices and the first
 * questions of `startDialogue` that fall inside it wait for its end. `start` and `end` are
 * local times (`'21:00'`, `'07:00'`; the window may cross midnight) in `timeZone` (an IANA
 * name, default UTC).
 */
export interface QuietHours {
  start: string
  end: string
  timeZone?: string
}

const MINUTE = 60_000
const DAY_MINUTES = 1440

function minutesOf(clock: string, what: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(clock)
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) throw new ValidationError(what, `expected a time of day such as "21:00", not "${clock}"`)
  return Number(match[1]) * 60 + Number(match[2])
}

const formats = new Map<string, Intl.DateTimeFormat>()

/** Minutes since local midnight (with the fraction of the minute) at `at` in `timeZone`. */
function localMinutes(at: number, timeZone: string): number {
  let format = formats.get(timeZone)
  if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })))
  const parts = format.formatToParts(at)
  const hour = Number(parts.find((p) => p.type === 'hour')!.value)
  const minute = Number(parts.find((p) => p.type === 'minute')!.value)
  return hour * 60 + minute + (((at % MINUTE) + MINUTE) % MINUTE) / MINUTE
}

/** Check a window once (at startup), so a typo stops the project naming the key. */
export function checkQuietHours(quiet: QuietHours, key = 'quietHours'): void {
  minutesOf(quiet.start, `${key}.start`)
  minutesOf(quiet.end, `${key}.end`)
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: quiet.timeZone ?? 'UTC' })
  } catch {
    throw new ValidationError(`${key}.timeZone`, `"${quiet.timeZone}" is not a time zone (e.g. "Africa/Nairobi")`)
  }
}

/**
 * `at` itself when it is outside the quiet hours, else the end of the window it falls in.
 * @example afterQuietHours(Date.parse('2026-12-01T22:30:00Z'), { start: '21:00', end: '07:00' }) // 2026-12-02T07:00Z
 */
export function afterQuietHours(at: number, quiet: QuietHours | null | undefined): number {
  if (!quiet) return at
  const timeZone = quiet.timeZone ?? 'UTC'
  const start = minutesOf(quiet.start, 'quietHours.start')
  const end = minutesOf(quiet.end, 'quietHours.end')
  if (start === end) return at
  const now = localMinutes(at, timeZone)
  const inside = start < end ? now >= start && now < end : now >= start || now < end
  if (!inside) return at
  let until = at + ((end - now + DAY_MINUTES) % DAY_MINUTES) * MINUTE
  // A change of UTC offset inside the window moves the local end: correct by what is left.
  for (let i = 0; i < 2; i++) {
    const off = localMinutes(until, timeZone) - end
    if (Math.abs(off) < 1 / 600) break
    until -= (((off + DAY_MINUTES / 2) % DAY_MINUTES) - DAY_MINUTES / 2) * MINUTE
  }
  return Math.round(until)
}
