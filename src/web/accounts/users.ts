import type { EntityManager } from '@mikro-orm/knex'
import { ValidationError } from '../../core/errors.js'
import { User } from '../../models/index.js'
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './password.js'

export interface NewUser {
  username: string
  password: string
  email?: string
  superuser?: boolean
}

/** Why a username is refused (Django's rule: letters, digits and @/./+/-/_, at most 150). */
export function usernameProblem(username: string): string | undefined {
  if (!username) return 'This field cannot be blank.'
  if (username.length > 150) return 'Ensure this value has at most 150 characters.'
  if (!/^[\w.@+-]+$/u.test(username)) return 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'
  return undefined
}

/**
 * Create a user with a hashed password; a superuser is also staff (may use the admin). A
 * taken username, a bad one or a weak password is a ValidationError naming the field.
 * @example await createUser(em, { username: 'admin', password: 'a long secret', superuser: true })
 */
export async function createUser(em: EntityManager, user: NewUser): Promise<User> {
  const username = user.username.trim()
  const problem = usernameProblem(username)
  if (problem) throw new ValidationError('username', problem)
  const weak = passwordProblem(user.password, username)
  if (weak) throw new ValidationError('password', weak)
  if (await em.count(User, { username })) throw new ValidationError('username', 'A user with that username already exists.')
  const row = em.create(User, {
    username,
    email: user.email ?? '',
    password: await hashPassword(user.password),
    isSuperuser: user.superuser ?? false,
    isStaff: user.superuser ?? false,
    lastLogin: null,
  })
  await em.flush()
  return row
}

/** The active user with these credentials, or null (taking as long either way). */
export async function authenticate(em: EntityManager, username: string, password: string): Promise<User | null> {
  const user = await em.findOne(User, { username })
  if (!user) {
    await verifyPassword(password, await dummyHash())
    return null
  }
  const ok = await verifyPassword(password, user.password)
  return ok && user.isActive ? user : null
}
