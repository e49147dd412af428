import { AppBase, p, type Contact, type InferFields } from 'rapidsms'
import { migrations } from './migrations.js'
import { UsedHandler } from './handlers.js'

/**
 * The app of RapidSMS's "Intro to Extensible Models" (docs 12): it adds one field, `isUsed`
 * (a boolean, true by default), to every Contact. The column comes from the migration
 * `rapidsms makemigrations` wrote for it (migrations.ts).
 */
export class TestExtensionsMain extends AppBase {
  static override appName = 'testextensions_main'
  static override contactFields = { isUsed: p.boolean().default(true) }
  static override migrations = migrations
  static override handlers = [UsedHandler]
}

/** A contact with the field this app adds. */
export type TestContact = Contact & InferFields<typeof TestExtensionsMain.contactFields>
