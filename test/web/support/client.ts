import type { Hono } from 'hono'
import type { Host } from '../../../src/index.js'
import { createUser } from '../../../src/web/accounts/users.js'
import { createEdge } from '../../../src/web/index.js'
import type { Database } from '../../../src/models/index.js'

/** A user the page tests log in as. */
export const ADMIN = { username: 'admin', password: 'a long secret 1' }

export async function createAdmin(db: Database, user = ADMIN): Promise<void> {
  await createUser(db.orm.em.fork(), { ...user, superuser: true })
}

/**
 * A browser without a browser, for the server-side page tests: keeps cookies, sends the
 * page's Origin, and fills in the CSRF token the last page carried.
 */
export class PageClient {
  readonly cookies = new Map<string, string>()
  /** The last HTML page's CSRF token. */
  token = ''
  last: Response | undefined

  constructor(
    private readonly app: Hono,
    readonly origin = 'http://localhost',
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const response = await this.app.request(`${this.origin}${path}`, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      const name = pair!.slice(0, at)
      const value = pair!.slice(at + 1)
      if (/max-age=0/i.test(line) || !value) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    this.last = response
    return response
  }

  /** GET a page and remember its CSRF token; the body as text. */
  async get(path: string): Promise<{ status: number; html: string; response: Response }> {
    const response = await this.request(path)
    const html = await response.text()
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1]
    if (token) this.token = token
    return { status: response.status, html, response }
  }

  /** POST a form (urlencoded, or multipart when it holds files) with the CSRF token unless `csrf: false`. */
  async post(path: string, fields: Record<string, string | string[] | Blob>, options: { csrf?: boolean; origin?: string | null } = {}): Promise<{ status: number; html: string; response: Response }> {
    const multipart = Object.values(fields).some((v) => v instanceof Blob)
    const all = options.csrf === false ? fields : { csrfmiddlewaretoken: this.token, ...fields }
    let body: FormData | URLSearchParams
    if (multipart) {
      const form = new FormData()
      for (const [k, v] of Object.entries(all)) for (const item of Array.isArray(v) ? v : [v]) {
        if (item instanceof Blob) form.append(k, item, item instanceof File ? item.name : 'blob')
        else form.append(k, item)
      }
      body = form
    } else {
      const form = new URLSearchParams()
      for (const [k, v] of Object.entries(all)) for (const item of Array.isArray(v) ? v : [v]) form.append(k, item as string)
      body = form
    }
    const headers: Record<string, string> = {}
    const origin = options.origin === undefined ? this.origin : options.origin
    if (origin) headers.origin = origin
    const response = await this.request(path, { method: 'POST', body, headers })
    const html = await response.text()
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1]
    if (token) this.token = token
    return { status: response.status, html, response }
  }

  async login(user = ADMIN): Promise<Response> {
    await this.get('/accounts/login/')
    const { response } = await this.post('/accounts/login/', { username: user.username, password: user.password, next: '/' })
    if (response.status !== 302) throw new Error(`login failed: ${response.status}`)
    return response
  }
}

/** A PageClient on a test project's edge, logged in as a new superuser (`ADMIN`). */
export async function loggedInClient(rapid: { db: Database; router: Host }): Promise<PageClient> {
  await createAdmin(rapid.db)
  const client = new PageClient(createEdge(rapid.router).app)
  await client.login()
  return client
}
