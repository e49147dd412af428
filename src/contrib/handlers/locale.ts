import type { Catalog } from '../translation/index.js'

/** Translations of the handlers' own replies. */
export const catalogs: Record<string, Catalog> = {
  fr: { 'Not a valid number: %(string)s': "Nombre non valide : %(string)s" },
  ar: { 'Not a valid number: %(string)s': 'رقم غير صالح: %(string)s' },
  sw: { 'Not a valid number: %(string)s': 'Si namba sahihi: %(string)s' },
}
