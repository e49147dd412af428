import { randomBytes } from 'node:crypto'
import { ConfigError } from '../../core/errors.js'
import { SiteSecret, type Database } from '../../models/index.js'

const SESSION_SECRET = 'web.session'

/**
 * The key that signs session cookies and CSRF tokens: RAPIDSMS_SECRET_KEY, else the
 * `web.secretKey` setting, else one the project generated on its first start and keeps in
 * its database (so it survives restarts and every host of a cluster shares it).
 */
export async function sessionSecret(db: Database, configured: string | undefined): Promise<string> {
  const key = process.env.RAPIDSMS_SECRET_KEY || configured
  if (key !== undefined) {
    if (key.length < 32) throw new ConfigError(process.env.RAPIDSMS_SECRET_KEY ? 'RAPIDSMS_SECRET_KEY' : 'web.secretKey', 'expected at least 32 characters of random text')
    return key
  }
  const em = db.orm.em.fork()
  const found = await em.findOne(SiteSecret, { name: SESSION_SECRET })
  if (found) return found.value
  // Two hosts starting together: the first insert wins, both read it back.
  await em.createQueryBuilder(SiteSecret).insert({ name: SESSION_SECRET, value: randomBytes(32).toString('base64url'), createdOn: new Date() }).onConflict('name').ignore().execute()
  return (await em.fork().findOneOrFail(SiteSecret, { name: SESSION_SECRET })).value
}
