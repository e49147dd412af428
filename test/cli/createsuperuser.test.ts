import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { User } from '../../src/index.js'
import { Database } from '../../src/models/index.js'
import { scratchDatabase, type ScratchDatabase } from '../../src/testing/index.js'
import { verifyPassword } from '../../src/web/accounts/password.js'
import { rapidsms } from '../support/cli.js'
import { testSchema } from '../support/database.js'

const project = fileURLToPath(new URL('./fixtures/project/', import.meta.url))

/** `rapidsms createsuperuser` with its answers typed on stdin, one line each. */
const interactive = (answers: string[], env: Record<string, string>) => rapidsms(['createsuperuser'], { cwd: project, env, input: answers.map((a) => `${a}\n`).join('') })

describe('rapidsms createsuperuser', () => {
  let scratch: ScratchDatabase
  beforeEach(async () => {
    scratch = await scratchDatabase()
  })
  afterEach(async () => {
    await scratch.dispose()
  })

  async function users(): Promise<User[]> {
    const db = await Database.open({ url: scratch.url, ...testSchema })
    try {
      return await db.orm.em.fork().find(User, {}, { orderBy: { id: 'asc' } })
    } finally {
      await db.close()
    }
  }

  it('asks for username, email and the password twice, re-asking what is wrong, on a fresh database', async () => {
    const result = await interactive(['admin', 'admin@example.org', 'short', 'short', 'a long secret', 'a long secreT', 'a long secret', 'a long secret'], { DATABASE_URL: scratch.url })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Applied ')
    expect(result.stdout).toContain('Username')
    expect(result.stdout).toContain('Email address: ')
    expect(result.stdout).toContain('Error: This password is too short. It must contain at least 8 characters.')
    expect(result.stdout).toContain("Error: Your passwords didn't match.")
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/Superuser created successfully\.$/)
    const [user, ...others] = await users()
    expect(others).toEqual([])
    expect(user).toMatchObject({ username: 'admin', email: 'admin@example.org', isSuperuser: true, isStaff: true, isActive: true })
    expect(await verifyPassword('a long secret', user!.password)).toBe(true)
  }, 60_000)

  it('with --no-input takes the flags and RAPIDSMS_SUPERUSER_PASSWORD; a taken username is an error naming the flag', async () => {
    const env = { DATABASE_URL: scratch.url, RAPIDSMS_SUPERUSER_PASSWORD: 'a long secret' }
    const first = await rapidsms(['createsuperuser', '--no-input', '--username', 'root', '--email', 'root@example.org'], { cwd: project, env })
    expect(first.stdout.trim().split('\n').at(-1)).toBe('Superuser created successfully.')
    expect(first.code).toBe(0)
    const again = await rapidsms(['createsuperuser', '--no-input', '--username', 'root'], { cwd: project, env })
    expect(again.code).toBe(1)
    expect(again.stderr).toBe('rapidsms: Invalid setting "--username": A user with that username already exists.\n')
    const missing = await rapidsms(['createsuperuser', '--no-input', '--username', 'other'], { cwd: project, env: { DATABASE_URL: scratch.url, RAPIDSMS_SUPERUSER_PASSWORD: '' } })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('--password')
    expect((await users()).map((u) => [u.username, u.email])).toEqual([['root', 'root@example.org']])
  }, 60_000)
})
