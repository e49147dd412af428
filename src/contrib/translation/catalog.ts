import i18next, { type i18n } from 'i18next'
import { pythonFormat } from './format.js'

/** The language of contacts that chose none (Django's LANGUAGE_CODE); its text is the msgid. */
export const DEFAULT_LANGUAGE = 'en'

/** One language's translations: English msgid (the text in the code) -> translated text. */
export type Catalog = Record<string, string>

const NAMESPACE = 'rapidsms'

// Catalogs are keyed by the English text itself, as gettext does (and RapidSMS's .po files):
// the English reply is always the code's own string, byte for byte, and a missing
// translation falls back to it. Codes are lower-case like Django's (`pt-br`, `zh-hans`);
// `fr-ca` falls back to `fr`, then to the English msgid.
const i18n: i18n = i18next.createInstance()
void i18n.init({
  initAsync: false,
  lng: DEFAULT_LANGUAGE,
  fallbackLng: false,
  lowerCaseLng: true,
  nsSeparator: false,
  keySeparator: false,
  returnEmptyString: false,
  ns: [NAMESPACE],
  defaultNS: NAMESPACE,
  interpolation: { escapeValue: false },
  resources: {},
})

/**
 * Add translations to the message catalog, e.g. an app's French strings. Later catalogs
 * override earlier ones for the same msgid.
 * @example addTranslations('fr', { 'hello': 'bonjour' })
 */
export function addTranslations(language: string, catalog: Catalog): void {
  i18n.addResourceBundle(language.toLowerCase(), NAMESPACE, catalog, true, true)
}

/** Add several languages' catalogs at once: `{ fr: {...}, sw: {...} }`. */
export function addCatalogs(catalogs: Record<string, Catalog>): void {
  for (const [language, catalog] of Object.entries(catalogs)) addTranslations(language, catalog)
}

/**
 * The text `msgid` in `language` (or English when the catalog has no translation), then,
 * when `values` are given, Python-formatted with them like RapidSMS's `_(text) % values`.
 * @example translate('fr', 'Thank you for registering, %(name)s!', { name: 'Ann' })
 */
export function translate(language: string | null | undefined, msgid: string, values?: Record<string, unknown>): string {
  const lng = language ? language.toLowerCase() : DEFAULT_LANGUAGE
  // skipInterpolation: the text is never parsed as an i18next template ({{x}}, $t(...)).
  const text = msgid === '' || lng === DEFAULT_LANGUAGE ? msgid : i18n.t(msgid, { lng, skipInterpolation: true })
  return values ? pythonFormat(text, values) : text
}
