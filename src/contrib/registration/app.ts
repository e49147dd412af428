import { z } from 'zod'
import { AppBase } from '../../apps/base.js'
import { LanguageHandler } from './handlers/language.js'
import { RegisterHandler } from './handlers/register.js'
import { LANGUAGES } from './languages.js'
import { registrationPages } from './pages.js'

/**
 * Registration by SMS (docs 21.8): install it to set the `languages` setting (Django's
 * LANGUAGES: `[code, English name]` pairs) that LANGUAGE <CODE> accepts; add RegisterHandler
 * and LanguageHandler to `handlers` (without that setting, handler discovery finds them
 * here). It has no phase of its own.
 */
export class RegistrationApp extends AppBase {
  static override appName = 'registration'
  static override module = 'rapidsms.contrib.registration'
  static override handlers = [RegisterHandler, LanguageHandler]
  static override pages = registrationPages
  static override settings = {
    languages: z
      .array(z.tuple([z.string().min(1), z.string().min(1)]).readonly())
      .default(() => [...LANGUAGES]),
  }
}

export { languagesOf } from './languages.js'
