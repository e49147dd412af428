import { RapidSMSError } from '../../core/errors.js'
import { pythonRepr } from '../../core/python.js'

/** A template that Python's `%` operator would reject (e.g. a lone `%`). */
export class FormatError extends RapidSMSError {
  override name = 'FormatError'
}

/** The widest field a template may ask for (Python's limit is memory; a reply is an SMS). */
const MAX_WIDTH = 100_000
/** The most digits %f writes after the point (JavaScript's toFixed stops there). */
const MAX_PRECISION = 100

// %(name)s with Python's optional flags, width and precision; %% is a literal percent sign.
const SPEC = /%(?:\(([^)]*)\))?([#0 +-]*)(\d+|\*)?(?:\.(\d+))?([sradiufFgGeExXoc%])?/g

/**
 * Python's `template % mapping` for the conversions RapidSMS strings use: `%(name)s`,
 * `%(name)d`, `%(name)r` and `%%`. RapidSMS formats every DEFAULT_RESPONSE this way, so a
 * literal percent sign must be written `%%`. Any template Python would refuse, and widths
 * over 100,000 or %f precisions over 100, throw FormatError.
 * @example pythonFormat('Sorry, %(project_name)s could not understand your message.', { project_name: 'Clinic' })
 */
export function pythonFormat(template: string, values: Record<string, unknown>): string {
  return template.replace(SPEC, (spec, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conversion: string | undefined) => {
    if (spec === '%%') return '%'
    if (key === undefined || !conversion || conversion === '%' || width === '*') {
      throw new FormatError(`"${template}" is not a valid format: write %% for a literal % and %(name)s for a value`)
    }
    if (!Object.hasOwn(values, key)) throw new FormatError(`"${template}" needs a value named "${key}"`)
    if (width !== undefined && Number(width) > MAX_WIDTH) throw new FormatError(`"${template}": width too big (at most ${MAX_WIDTH})`)
    if (precision !== undefined && Number(precision) > MAX_PRECISION && 'fF'.includes(conversion)) {
      throw new FormatError(`"${template}": precision too big for %${conversion} (at most ${MAX_PRECISION})`)
    }
    return pad(convert(values[key], conversion, precision, template), flags, width)
  })
}

/** A value for a numeric conversion: Python's take numbers (and booleans), never text. */
function numberOf(value: unknown, conversion: string, template: string): number | bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' || typeof value === 'boolean') return Number(value)
  throw new FormatError(`"${template}": %${conversion} needs a number, got ${typeof value === 'string' ? pythonRepr(value) : String(value)}`)
}

function convert(value: unknown, conversion: string, precision: string | undefined, template: string): string {
  switch (conversion) {
    case 's':
      return precision === undefined ? String(value) : String(value).slice(0, Number(precision))
    case 'r':
    case 'a': {
      const text = typeof value === 'string' ? pythonRepr(value, conversion === 'a') : String(value)
      return precision === undefined ? text : text.slice(0, Number(precision))
    }
    case 'c':
      if (typeof value === 'string' && [...value].length === 1) return value
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x10ffff) return String.fromCodePoint(value)
      throw new FormatError(`"${template}": %c needs a number or a single character, got ${String(value)}`)
    case 'd':
    case 'i':
    case 'u': {
      const n = numberOf(value, conversion, template)
      if (typeof n === 'number' && !Number.isFinite(n)) throw new FormatError(`"${template}": %${conversion} needs a finite number, got ${String(value)}`)
      return typeof n === 'bigint' ? n.toString() : Math.trunc(n).toString()
    }
    case 'x':
    case 'X':
    case 'o': {
      const n = numberOf(value, conversion, template)
      if (typeof n === 'number' && !Number.isInteger(n)) throw new FormatError(`"${template}": %${conversion} needs a whole number, got ${String(value)}`)
      const text = n.toString(conversion === 'o' ? 8 : 16)
      return conversion === 'X' ? text.toUpperCase() : text
    }
    case 'f':
    case 'F':
      return Number(numberOf(value, conversion, template)).toFixed(precision === undefined ? 6 : Number(precision))
    default:
      // e, E, g, G: numbers only; written as JavaScript writes them.
      return String(numberOf(value, conversion, template))
  }
}

function pad(text: string, flags: string, width: string | undefined): string {
  if (!width) return text
  const size = Number(width)
  if (flags.includes('-')) return text.padEnd(size)
  if (flags.includes('0') && /^-?\d/.test(text)) return text.startsWith('-') ? `-${text.slice(1).padStart(size - 1, '0')}` : text.padStart(size, '0')
  return text.padStart(size)
}
