import type { Catalog } from '../translation/index.js'

/** Translations of the echo handler's help. */
export const catalogs: Record<string, Catalog> = {
  fr: { 'To echo some text, send: ECHO <ANYTHING>': 'Pour faire répéter un texte, envoyez : ECHO <TEXTE>' },
  ar: { 'To echo some text, send: ECHO <ANYTHING>': 'لترديد نص، أرسل: ECHO <أي نص>' },
  sw: { 'To echo some text, send: ECHO <ANYTHING>': 'Ili kurudiwa maandishi, tuma: ECHO <CHOCHOTE>' },
}
