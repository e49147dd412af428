/**
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 6.2.1), and the
 * packing of septets into octets (6.1.2.1.1), with the fill bits that align text after a
 * user data header on a septet boundary (TS 23.040 9.2.3.24).
 */

/** The default alphabet: the character of each septet 0x00-0x7F (0x1B is the escape). */
export const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'

/** The extension table: after the escape 0x1B, these septets stand for these characters. */
export const GSM7_EXTENSION: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
])

export const ESCAPE = 0x1b

const BASIC_CODE = new Map<string, number>([...GSM7_BASIC].map((char, code) => [char, code]))
BASIC_CODE.delete('\x1b')
const EXTENSION_CODE = new Map<string, number>([...GSM7_EXTENSION].map(([code, char]) => [char, code]))

/**
 * The septets of one character: one for the default alphabet, two (escape, code) for the
 * extension table, undefined when the alphabet has no such character.
 */
export function charSeptets(char: string): number[] | undefined {
  const basic = BASIC_CODE.get(char)
  if (basic !== undefined) return [basic]
  const extended = EXTENSION_CODE.get(char)
  return extended === undefined ? undefined : [ESCAPE, extended]
}

/**
 * Can the text be written in the GSM 7-bit alphabet (with its extension table) without loss?
 * @example fitsGsm7('price: 5€ [net]') // true; fitsGsm7('مرحبا') // false
 */
export function fitsGsm7(text: string): boolean {
  for (const char of text) if (!BASIC_CODE.has(char) && !EXTENSION_CODE.has(char)) return false
  return true
}

/** The septets of a text, or undefined when a character is not in the alphabet. */
export function textToSeptets(text: string): number[] | undefined {
  const septets: number[] = []
  for (const char of text) {
    const code = charSeptets(char)
    if (!code) return undefined
    septets.push(...code)
  }
  return septets
}

/**
 * The text of septets. An escape followed by a code the extension table lacks reads as the
 * default alphabet's character for that code (TS 23.038 6.2.1.1); an escape followed by an
 * escape (reserved for a further table) reads as a space; a final lone escape is dropped.
 */
export function septetsToText(septets: ArrayLike<number>): string {
  let text = ''
  for (let i = 0; i < septets.length; i++) {
    const septet = septets[i]! & 0x7f
    if (septet !== ESCAPE) {
      text += GSM7_BASIC[septet]
      continue
    }
    if (++i >= septets.length) break
    const next = septets[i]! & 0x7f
    text += GSM7_EXTENSION.get(next) ?? (next === ESCAPE ? ' ' : GSM7_BASIC[next])
  }
  return text
}

/**
 * Pack septets into octets, least significant bit first, after `fillBits` zero bits (the
 * padding that follows a user data header).
 * @example packSeptets([0x31, 0x32, 0x33]) // Uint8Array [0x31, 0xD9, 0x0C]
 */
export function packSeptets(septets: ArrayLike<number>, fillBits = 0): Uint8Array {
  const out = new Uint8Array(Math.ceil((fillBits + septets.length * 7) / 8))
  let bit = fillBits
  for (let i = 0; i < septets.length; i++, bit += 7) {
    const value = (septets[i]! & 0x7f) << (bit % 8)
    const at = bit >> 3
    out[at]! |= value & 0xff
    if (value > 0xff) out[at + 1]! |= value >> 8
  }
  return out
}

/** Unpack `count` septets from octets, skipping `fillBits` bits first. */
export function unpackSeptets(octets: ArrayLike<number>, count: number, fillBits = 0): number[] {
  const septets: number[] = []
  for (let i = 0, bit = fillBits; i < count; i++, bit += 7) {
    const at = bit >> 3
    const word = (octets[at] ?? 0) | ((octets[at + 1] ?? 0) << 8)
    septets.push((word >> (bit % 8)) & 0x7f)
  }
  return septets
}
