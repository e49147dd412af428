import { Hono, type Context } from 'hono'
import type { SiteEnv } from '../pages/context.js'
import { flash } from '../pages/flash.js'
import { Field, Form, FormError, type FormErrors } from '../pages/form.js'
import { peerAddress } from '../peer.js'
import { rotateCsrf } from './csrf.js'
import { endSession, safeNext, startSession } from './session.js'
import { authenticate } from './users.js'

/** Django's message for a wrong username or password (it never says which). */
export const LOGIN_FAILED = 'Please enter a correct username and password. Note that both fields may be case-sensitive.'

function LoginPage({ username = '', next, errors }: { username?: string; next: string; errors?: FormErrors }) {
  return (
    <div class="row justify-content-center">
      <div class="col-12 col-sm-8 col-md-6 col-lg-4">
        <h1 class="h3 mb-3">Log in</h1>
        <FormError errors={errors} />
        <Form action="/accounts/login/" aria-label="Log in">
          <input type="hidden" name="next" value={next} />
          <Field field={{ name: 'username', label: 'Username', value: username, required: true, autocomplete: 'username', maxLength: 150 }} />
          <Field field={{ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' }} />
          <button type="submit" class="btn btn-primary">
            Log in
          </button>
        </Form>
      </div>
    </div>
  )
}

function minutes(ms: number): string {
  const n = Math.max(1, Math.ceil(ms / 60_000))
  return `${n} minute${n === 1 ? '' : 's'}`
}

/**
 * `/accounts/login/` and `/accounts/logout/` (RapidSMS's rapidsms-login and rapidsms-logout).
 * Failed logins are throttled per username and per client address (see LoginThrottle):
 * past the limit the page answers 429 and says how long to wait, without checking the password.
 */
export function accountsPages(): Hono<SiteEnv> {
  const app = new Hono<SiteEnv>()
  const render = (c: Context<SiteEnv>, props: Parameters<typeof LoginPage>[0]) => c.render(<LoginPage {...props} />, { title: 'Log in', header: false })

  app.get('/login/', (c) => {
    const next = safeNext(c.req.query('next'))
    if (c.get('user')) return c.redirect(next, 302)
    return render(c, { next })
  })

  app.post('/login/', async (c) => {
    const site = c.get('site')
    const body = await c.req.parseBody()
    const username = typeof body.username === 'string' ? body.username.trim() : ''
    const password = typeof body.password === 'string' ? body.password : ''
    const next = safeNext(typeof body.next === 'string' ? body.next : undefined)
    const keys = [`user:${username.toLowerCase()}`, `ip:${peerAddress(c) ?? 'unknown'}`]
    const wait = site.throttle.retryAfter(keys)
    if (wait > 0) {
      c.status(429)
      c.header('retry-after', String(Math.ceil(wait / 1000)))
      return render(c, { username, next, errors: { __all__: `Too many failed login attempts. Try again in ${minutes(wait)}.` } })
    }
    const user = username && password ? await authenticate(site.em(), username, password) : null
    if (!user) {
      site.throttle.failed(keys)
      c.status(400)
      return render(c, { username, next, errors: { __all__: LOGIN_FAILED } })
    }
    site.throttle.succeeded(keys[0]!)
    rotateCsrf(c, await site.secret())
    await startSession(c, user)
    return c.redirect(next, 302)
  })

  app.post('/logout/', (c) => {
    endSession(c)
    flash(c, 'info', 'You have been logged out.')
    return c.redirect('/accounts/login/', 302)
  })
  // Logging out changes state, so it takes a POST (with its CSRF token); a GET offers the button.
  app.get('/logout/', (c) =>
    c.render(
      <Form action="/accounts/logout/" aria-label="Log out">
        <button type="submit" class="btn btn-primary">
          Log out
        </button>
      </Form>,
      { title: 'Log out' },
    ),
  )
  return app
}
