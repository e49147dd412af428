import { userInfo } from 'node:os'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { ConfigError, ValidationError } from '../../core/errors.js'
import { User } from '../../models/index.js'
import { openProjectDatabase } from '../../runtime/schema.js'
import { passwordProblem } from '../../web/accounts/password.js'
import { createUser, usernameProblem } from '../../web/accounts/users.js'
import type { LoadedConfig } from '../load-config.js'

export interface CreateSuperuserOptions {
  username?: string
  email?: string
  /** Visible to other users of the machine (ps): prefer RAPIDSMS_SUPERUSER_PASSWORD. */
  password?: string
  /** Ask nothing (Django's --noinput): the username from --username, the password from --password or the environment. */
  input: boolean
}

/** Reads answers line by line; a password is not echoed on a terminal. */
function prompter() {
  let muted = false
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk)
      done()
    },
  })
  const rl = createInterface({ input: process.stdin, output, terminal: Boolean(process.stdin.isTTY) })
  const lines: string[] = []
  const waiting: ((line: string | undefined) => void)[] = []
  let closed = false
  rl.on('line', (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)))
  rl.on('close', () => {
    closed = true
    for (const w of waiting.splice(0)) w(undefined)
  })
  const ask = (question: string, secret = false): Promise<string> => {
    process.stdout.write(question)
    muted = secret && Boolean(process.stdin.isTTY)
    return new Promise<string | undefined>((resolve) => (lines.length ? resolve(lines.shift()) : closed ? resolve(undefined) : waiting.push(resolve))).then((line) => {
      muted = false
      if (secret && process.stdin.isTTY) process.stdout.write('\n')
      if (line === undefined) throw new ConfigError('createsuperuser', 'input ended before the superuser was complete')
      return line
    })
  }
  return { ask, close: () => rl.close() }
}

/**
 * `rapidsms createsuperuser` (Django's command): a user who may use every page and the
 * admin. Asks for a username, an email address and a password (twice, not echoed), or with
 * `--no-input` takes them from `--username`, `--email` and `--password` or the
 * RAPIDSMS_SUPERUSER_PASSWORD environment variable. Applies pending migrations first, so it
 * works on a fresh project.
 */
export async function createSuperuser(config: LoadedConfig, options: CreateSuperuserOptions, out: (line: string) => void): Promise<void> {
  const db = await openProjectDatabase(config.settings, { cwd: config.dir })
  try {
    const applied = await db.migrate()
    if (applied.length) out(`Applied ${applied.length} pending migration(s).`)
    const em = db.orm.em.fork()
    const taken = async (name: string) => (await em.count(User, { username: name })) > 0
    if (!options.input) {
      const password = options.password ?? process.env.RAPIDSMS_SUPERUSER_PASSWORD
      if (!options.username) throw new ConfigError('--username', 'a username is needed with --no-input')
      if (!password) throw new ConfigError('--password', 'a password is needed with --no-input: give --password or set RAPIDSMS_SUPERUSER_PASSWORD')
      try {
        await createUser(em, { username: options.username, email: options.email, password, superuser: true })
      } catch (error) {
        if (error instanceof ValidationError) throw new ConfigError(`--${error.field}`, error.reason)
        throw error
      }
      out('Superuser created successfully.')
      return
    }
    const { ask, close } = prompter()
    try {
      const fallback = (() => {
        try {
          return userInfo().username.replace(/[^\w.@+-]/g, '')
        } catch {
          return ''
        }
      })()
      let username = options.username?.trim() ?? ''
      for (;;) {
        if (!username) {
          const hint = fallback && !(await taken(fallback)) ? ` (leave blank to use '${fallback}')` : ''
          username = (await ask(`Username${hint}: `)).trim() || (hint ? fallback : '')
        }
        const problem = usernameProblem(username) ?? ((await taken(username)) ? 'That username is already taken.' : undefined)
        if (!problem) break
        out(`Error: ${problem}`)
        username = ''
      }
      const email = options.email ?? (await ask('Email address: ')).trim()
      let password: string
      for (;;) {
        password = options.password ?? (await ask('Password: ', true))
        const again = options.password ?? (await ask('Password (again): ', true))
        const problem = password !== again ? "Your passwords didn't match." : password === '' ? "Blank passwords aren't allowed." : passwordProblem(password, username)
        if (!problem) break
        out(`Error: ${problem}`)
        if (options.password) throw new ConfigError('--password', problem)
      }
      await createUser(em, { username, email, password, superuser: true })
      out('Superuser created successfully.')
    } finally {
      close()
    }
  } finally {
    await db.close()
  }
}
