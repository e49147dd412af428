import fc from 'fast-check'

/**
 * Building blocks of the requests the fuzz tests send: texts a gateway (or an attacker) may
 * put in a field, the ways a form value may be encoded, content types, methods, bodies.
 */

/** Characters that mean something to a form, a query, a charset or a stripper. */
const TRICKY = ['', ' ', '\t\n', '\r\n', '\u0000', 'a\u0000b', '\ufeff', '\u3000', '\u0085', '\u00a0', '\u001c', '%', '%zz', '%e9', '%C3', '+', '&', '=', '#', '?', ';', ',', ':', 'é', 'مرحبا', '👋', '\ud800', 'x\udc00y', 'echo', 'ping', 'join', 'lang fr', '"', "'", '\\']

/** A long run of one character or word, as adversarial input for regular expressions and strippers. */
export const longRun = fc
  .tuple(fc.constantFrom(' ', 'a', '%', '+', '\u3000', ',', ';:', 'echo ', 'reg', '\n', '1', '%2'), fc.integer({ min: 500, max: 20_000 }), fc.constantFrom('', 'x', ' ', '\u0000', 'a '))
  .map(([unit, n, end]) => unit.repeat(Math.ceil(n / unit.length)) + end)

/** Any text a field may hold: plain, any Unicode, tricky characters, long runs. */
export const junkText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...TRICKY), { maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: longRun },
)

/** A phone number or address a valid request carries: 1-100 characters, not blank at either end. */
export const validIdentity: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^\+?[0-9]{3,15}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => /^\S(.*\S)?$/su.test(s) && !s.includes('\u0000') && !/[\u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(s)),
)

/** A text a valid request carries: not blank, no NUL. */
export const validText: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('ping', 'echo hello', 'unknown words', 'hello', 'join Ann', 'lang fr', 'register', 'ECHO  spaced  '),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
    fc.tuple(fc.constantFrom('echo ', 'join ', 'lang ', 'reg '), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 })).map(([k, rest]) => k + rest),
    // Longer than the columns a reply or a record puts them in (a contact's name holds 100).
    fc.tuple(fc.constantFrom('join ', 'echo ', 'lang '), fc.string({ minLength: 90, maxLength: 300 })).map(([k, rest]) => k + rest),
  )
  .filter((s) => /\S/u.test(s.replace(/[\u001c-\u001f\u0085]/g, ' ')) && !s.includes('\u0000'))

/** The UTF-8 bytes of a text, every byte as %XX. */
export function percentAll(bytes: Uint8Array | string): string {
  return [...(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
}

/** How a form value may be written: plus-quoted, percent-encoded, raw (unescaped), or as raw bytes. */
export type Encoding = 'plus' | 'percent' | 'raw'
export const encoding: fc.Arbitrary<Encoding> = fc.constantFrom<Encoding>('plus', 'plus', 'percent', 'raw')

/** A text written in a form with `how`. */
export function encodeValue(text: string, how: Encoding): string {
  if (how === 'percent') return percentAll(text)
  if (how === 'raw') return text
  return [...Buffer.from(text, 'utf8')]
    .map((b) => (b === 0x20 ? '+' : /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('')
}

/** A form (query string or urlencoded body) from name/value pairs, each written its own way. */
export function formOf(pairs: [string, string, Encoding][]): string {
  return pairs.map(([name, value, how]) => `${encodeValue(name, how === 'raw' ? 'raw' : 'plus')}=${encodeValue(value, how)}`).join('&')
}

/** Extra parameters a request may carry besides its fields. */
export const extraPairs: fc.Arbitrary<[string, string, Encoding][]> = fc.array(fc.tuple(junkText, junkText, encoding), { maxLength: 3 })

/** Any method, mostly the ones the views take. */
export const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST') },
  { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'FOO') },
)

/** A text as a header value can carry it (Latin-1, no CR, LF or NUL). */
export function headerValue(text: string, max = 200): string {
  return text.replace(/[^\x20-\x7e\u00a0-\u00ff\t]/g, '').slice(0, max)
}

/** A charset name a Content-Type or Kannel may give. */
export const charsetName = fc.oneof(
  fc.constantFrom('utf-8', 'UTF-8', 'utf8', 'iso-8859-1', 'latin1', 'windows-1252', 'cp1252', 'UTF-16BE', 'ucs-2', 'utf-16', 'big5', 'ascii', '8-BIT'),
  fc.constantFrom('x-unknown', 'gsm', 'replacement', '', ' ', '"utf-8"', 'utf-8"'),
  junkText.map((s) => s.replace(/[\r\n\u0000]/g, '').slice(0, 30)),
)

/** Random bytes, sometimes long. */
export const junkBytes = fc.oneof({ weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1000, maxLength: 8000 }) })

/** A multipart/form-data body of text fields (and maybe a file), valid or broken in one of the ways gateways break them. */
export const multipartBody = fc
  .record({
    fields: fc.array(fc.tuple(junkText, junkText), { maxLength: 4 }),
    file: fc.boolean(),
    boundary: fc.constantFrom('abc', '----WebKitFormBoundary7MA4YWxkTrZu0gW', 'a b', 'x'.repeat(70)),
    header: fc.constantFrom('ok', 'no boundary', 'other boundary', 'quoted boundary', 'uppercase'),
    damage: fc.constantFrom('none', 'none', 'no closing', 'cut', 'no CRLF', 'junk before', 'empty'),
    cut: fc.nat(),
  })
  .map(({ fields, file, boundary, header, damage, cut }) => {
    const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/["\r\n]/g, '')}"\r\n\r\n${value}\r\n`)
    if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nfile content\r\n`)
    let body = `${parts.join('')}--${boundary}--\r\n`
    if (damage === 'no closing') body = parts.join('')
    else if (damage === 'cut') body = body.slice(0, cut % (body.length + 1))
    else if (damage === 'no CRLF') body = body.replaceAll('\r\n', '\n')
    else if (damage === 'junk before') body = `junk\r\n${body}`
    else if (damage === 'empty') body = ''
    const contentType = {
      ok: `multipart/form-data; boundary=${boundary.includes(' ') ? `"${boundary}"` : boundary}`,
      'no boundary': 'multipart/form-data',
      'other boundary': 'multipart/form-data; boundary=zzz',
      'quoted boundary': `multipart/form-data; boundary="${boundary}"`,
      uppercase: `MULTIPART/FORM-DATA; BOUNDARY=${boundary.includes(' ') ? `"${boundary}"` : boundary}`,
    }[header]!
    return { contentType, body }
  })

/** A Content-Type header, or none. */
export const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/x-www-form-urlencoded') },
  { weight: 2, arbitrary: charsetName.map((c) => headerValue(`application/x-www-form-urlencoded; charset=${c}`)) },
  { weight: 2, arbitrary: fc.constantFrom(undefined, 'application/json', 'text/json', 'text/plain', 'multipart/form-data', 'multipart/mixed; boundary=x', 'APPLICATION/X-WWW-FORM-URLENCODED', '*/*', '') },
  { weight: 1, arbitrary: junkText.map((s) => headerValue(s, 60)) },
)

/** Headers a client may add (values limited to what a fetch Request can carry: Latin-1, no CR/LF/NUL). */
export const extraHeaders = fc.dictionary(
  fc.constantFrom('x-rapidsms-secret', 'authorization', 'accept', 'accept-charset', 'x-forwarded-for', 'user-agent', 'x-junk'),
  junkText.map((s) => headerValue(s).trim()),
  { maxKeys: 2 },
)
