// How many SMS a text takes, by the rules of GSM 03.38 and 03.40. Plain JavaScript with no
// imports, so the same file runs in the server and in the browser (the Messaging page's live
// counter loads it as /static/rapidsms/segments.js). Types: segments.d.ts.

// GSM 03.38 default alphabet and its extension table (each extension character is sent as
// ESC + the character: two septets).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const GSM_EXTENSION = '\f^{}\\[~]|€'
const BASIC = new Set(GSM_BASIC)
const EXTENSION = new Set(GSM_EXTENSION)

/** Septets per SMS: alone, and in each part of a concatenated one (its header takes 7 bytes). */
export const GSM7_LIMITS = Object.freeze({ single: 160, part: 153 })
/** UTF-16 code units per SMS: alone, and in each part of a concatenated one. */
export const UCS2_LIMITS = Object.freeze({ single: 70, part: 67 })

/** Can the text be sent in the GSM 7-bit alphabet (Kannel coding 0) without loss? */
export function fitsGsm7(text) {
  for (const char of text) if (!BASIC.has(char) && !EXTENSION.has(char)) return false
  return true
}

/**
 * The parts a text is sent in: GSM-7 when every character fits (extension characters count
 * two septets and are never split from their escape), else UCS-2 (UTF-16 code units; a
 * surrogate pair is never split). A text that fits one SMS is one part; an empty text is one
 * empty part.
 */
export function splitSegments(text) {
  const gsm = fitsGsm7(text)
  const size = gsm ? (char) => (EXTENSION.has(char) ? 2 : 1) : (char) => char.length
  const limits = gsm ? GSM7_LIMITS : UCS2_LIMITS
  let total = 0
  for (const char of text) total += size(char)
  if (total <= limits.single) return { encoding: gsm ? 'GSM-7' : 'UCS-2', units: total, parts: [text] }
  const parts = []
  let current = ''
  let used = 0
  for (const char of text) {
    const n = size(char)
    if (used + n > limits.part) {
      parts.push(current)
      current = ''
      used = 0
    }
    current += char
    used += n
  }
  parts.push(current)
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', units: total, parts }
}

/**
 * What the Messaging page's counter shows: the encoding, the characters typed, the units
 * they take (septets or UTF-16 code units), how many SMS that is, the units one SMS holds at
 * this length, and how many more fit before another SMS is needed.
 * @example countSegments('hello') // { encoding: 'GSM-7', characters: 5, units: 5, segments: 1, perSegment: 160, remaining: 155 }
 */
export function countSegments(text) {
  const { encoding, units, parts } = splitSegments(text)
  const limits = encoding === 'GSM-7' ? GSM7_LIMITS : UCS2_LIMITS
  const single = parts.length === 1
  const perSegment = single ? limits.single : limits.part
  let last = 0
  const lastPart = parts[parts.length - 1]
  for (const char of lastPart) last += encoding === 'GSM-7' ? (EXTENSION.has(char) ? 2 : 1) : char.length
  return { encoding, characters: [...text].length, units, segments: parts.length, perSegment, remaining: perSegment - last }
}
