import { RapidSMSError } from '../../core/errors.js'

/** A template that Python's `%` operator would reject (e.g. a lone `%`). */
export class FormatError extends RapidSMSError {
  override name = 'FormatError'
}

// %(name)s with Python's optional flags, width and precision; %% is a literal percent sign.
const SPEC = /%(?:\(([^)]*)\))?([#0 +-]*)(\d+|\*)?(?:\.(\d+))?([sdirfgeExXoc%])?/g

/**
 * Python's `template % mapping` for the conversions RapidSMS strings use: `%(name)s`,
 * `%(name)d`, `%(name)r` and `%%`. RapidSMS formats every DEFAULT_RESPONSE this way, so a
 * literal percent sign must be written `%%`.
 * @example pythonFormat('Sorry, %(project_name)s could not understand your message.', { project_name: 'Clinic' })
 */
export function pythonFormat(template: string, values: Record<string, unknown>): string {
  return template.replace(SPEC, (spec, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conversion: string | undefined) => {
    if (spec === '%%') return '%'
    if (key === undefined || !conversion || conversion === '%' || width === '*') {
      throw new FormatError(`"${template}" is not a valid format: write %% for a literal % and %(name)s for a value`)
    }
    if (!(key in values)) throw new FormatError(`"${template}" needs a value named "${key}"`)
    return pad(convert(values[key], conversion, precision, template), flags, width)
  })
}

function convert(value: unknown, conversion: string, precision: string | undefined, template: string): string {
  switch (conversion) {
    case 's':
      return precision === undefined ? String(value) : String(value).slice(0, Number(precision))
    case 'r':
      return typeof value === 'string' ? `'${value}'` : String(value)
    case 'd':
    case 'i': {
      const n = typeof value === 'bigint' ? value : Number(value)
      if (typeof n === 'number' && !Number.isFinite(n)) throw new FormatError(`"${template}": %${conversion} needs a number, got ${String(value)}`)
      return typeof n === 'bigint' ? n.toString() : Math.trunc(n).toString()
    }
    case 'f':
      return Number(value).toFixed(precision === undefined ? 6 : Number(precision))
    default:
      return String(value)
  }
}

function pad(text: string, flags: string, width: string | undefined): string {
  if (!width) return text
  const size = Number(width)
  if (flags.includes('-')) return text.padEnd(size)
  if (flags.includes('0') && /^-?\d/.test(text)) return text.startsWith('-') ? `-${text.slice(1).padStart(size - 1, '0')}` : text.padStart(size, '0')
  return text.padStart(size)
}
