import { DEFAULT_RESPONSE } from '../../core/config.js'
import type { Catalog } from '../translation/index.js'

/** The stock DEFAULT_RESPONSE in the languages RapidSMS ships for the default app. */
export const catalogs: Record<string, Catalog> = {
  // RapidSMS's own French catalog (contrib/default/locale/fr).
  fr: { [DEFAULT_RESPONSE]: "Désolé, votre message pour %(project_name)s n'a pas été reconnu." },
  ar: { [DEFAULT_RESPONSE]: 'عذرًا، لم يتمكن %(project_name)s من فهم رسالتك.' },
  sw: { [DEFAULT_RESPONSE]: 'Samahani, %(project_name)s haikuweza kuelewa ujumbe wako.' },
}
