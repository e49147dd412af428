import { DEFAULT_RESPONSE } from '../../core/config.js'
import type { Catalog } from '../translation/index.js'

/**
 * The stock DEFAULT_RESPONSE translated. French is RapidSMS's own catalog; RapidSMS 0.20
 * ships no other, so Arabic and Swahili are ours (an early RapidSMS had differently worded
 * ones, the Arabic ungrammatical). They show when the project's `languageCode` is one of
 * them, or when replies follow the contact's language.
 */
export const catalogs: Record<string, Catalog> = {
  // RapidSMS's own French catalog (contrib/default/locale/fr).
  fr: { [DEFAULT_RESPONSE]: "Désolé, votre message pour %(project_name)s n'a pas été reconnu." },
  ar: { [DEFAULT_RESPONSE]: 'عذرًا، لم يتمكن %(project_name)s من فهم رسالتك.' },
  sw: { [DEFAULT_RESPONSE]: 'Samahani, %(project_name)s haikuweza kuelewa ujumbe wako.' },
}
