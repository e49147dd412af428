import type { EntitySchema } from '@mikro-orm/core'
import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import type { RouterServices } from '../apps/router.js'
import { adminOptions, Backend, Connection, Contact, extraFieldNames, type AdminEntry, type AdminOptions, type FieldsOwner } from '../models/index.js'
import { accountsPages } from './accounts/pages.js'
import { csrfProtection } from './accounts/csrf.js'
import { sessionSecret } from './accounts/secret.js'
import { loginRequired, sessionMiddleware } from './accounts/session.js'
import { LoginThrottle } from './accounts/throttle.js'
import { adminPages, staffRequired } from './admin/pages.js'
import { adminPath } from './admin/registry.js'
import type { HostStats, NavLink, PageModule, Site, SiteEnv } from './pages/context.js'
import { CONTACT_SEARCH } from './pages/contact-picker.js'
import { searchContacts } from './pages/contacts.js'
import { dashboardPage } from './pages/dashboard.js'
import { flashMiddleware } from './pages/flash.js'
import { layoutRenderer } from './pages/layout.js'
import { readableForm } from './pages/readable-form.js'
import { STATIC_FILES, staticFiles } from './pages/static.js'

/** The core entities in the admin, as RapidSMS registers them. */
const CORE_ADMIN: AdminOptions[] = [
  { entity: Contact, list: ['id', 'name', 'language', 'createdOn'], search: ['name'] },
  { entity: Connection, list: ['id', 'backend', 'identity', 'contact'], search: ['identity'] },
  { entity: Backend, list: ['id', 'name'], search: ['name'] },
]

export interface SiteOptions {
  stats?: () => HostStats
}

function isPageModule(value: unknown): value is PageModule {
  return typeof value === 'object' && value !== null && typeof (value as PageModule).create === 'function' && typeof (value as PageModule).path === 'string'
}

/** Every entity the installed apps, the configured backends and the project register, each once. */
function registrations(router: RouterServices): AdminOptions[] {
  const { settings } = router
  const owners = [...(settings.apps as { admin?: AdminEntry[] }[]), ...Object.values(settings.backends).map((b) => b.engine as { admin?: AdminEntry[] })]
  // The fields apps add to Contact and Connection (docs 12) are columns of their lists too.
  const core = CORE_ADMIN.map((o) => {
    const extra = o.entity === Contact ? extraFieldNames(settings.apps as FieldsOwner[], 'Contact') : o.entity === Connection ? extraFieldNames(settings.apps as FieldsOwner[], 'Connection') : []
    return extra.length && o.list ? { ...o, list: [...o.list, ...extra] } : o
  })
  const entries = [...core, ...owners.flatMap((o) => o.admin ?? []), ...(settings.admin as AdminEntry[])].map(adminOptions)
  const seen = new Set<EntitySchema<any, any>>()
  return entries.filter((e) => !seen.has(e.entity) && seen.add(e.entity))
}

/**
 * The web pages as one Hono app, to serve beside the backend endpoints: `/accounts/`
 * (login, logout), the dashboard at `/`, each installed app's pages at its path, the admin
 * at `/admin/`, and `/static/` (Bootstrap from its package: the pages make no request
 * beyond this site). The edge hands it what its own routes did not take, so the backend
 * endpoints never run its middleware. Every page but login needs a logged-in user; every
 * form a CSRF token.
 * @example
 * const edge = new Hono()
 * const site = createSite(host)
 * edge.all('*', (c) => site.fetch(c.req.raw, c.env))
 */
export function createSite(router: RouterServices, options: SiteOptions = {}): Hono {
  const { settings } = router
  const pages = (settings.apps as { pages?: unknown }[]).map((app) => app.pages).filter(isPageModule)
  const admin = registrations(router)
  const nav: NavLink[] = settings.web.nav ?? [
    ...pages.filter((p) => !p.hidden).map((p) => ({ label: p.title, href: p.path })),
    ...admin.filter((a) => a.nav).map((a) => ({ label: a.nav!, href: adminPath(a.entity) })),
  ]
  let secret: Promise<string> | undefined
  const site: Site = {
    router,
    projectName: settings.projectName,
    pages,
    admin,
    nav,
    throttle: new LoginThrottle(router.clock),
    secret: () => {
      secret ??= sessionSecret(router.db, settings.web.secretKey)
      // A failure (the database not reachable yet) is not kept: the next request tries again.
      secret.catch(() => (secret = undefined))
      return secret
    },
    stats: options.stats,
    em: () => router.db.orm.em.fork(),
  }

  const app = new Hono<SiteEnv>()
  app.get('/static/*', staticFiles(STATIC_FILES))

  const common: MiddlewareHandler<SiteEnv>[] = [
    async (c, next) => {
      c.set('site', site)
      await next()
    },
    secureHeaders({
      // Everything the pages load comes from this site; Bootstrap's icons are data: URLs.
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      crossOriginEmbedderPolicy: false,
    }),
    bodyLimit({ maxSize: settings.web.uploadLimit, onError: (c) => c.text(`The upload is larger than ${Math.round(settings.web.uploadLimit / 1024 / 1024)} MB (web.uploadLimit).`, 413) }),
    readableForm(),
    sessionMiddleware(),
    csrfProtection(),
    flashMiddleware(),
    layoutRenderer(),
  ]
  const guarded = [...common, loginRequired()]
  const mount = (path: string, chain: MiddlewareHandler<SiteEnv>[], sub: Hono<SiteEnv>) => {
    app.use(`${path}*`, ...chain)
    app.route(path, sub)
    // `/messagelog` goes to `/messagelog/`, as Django's APPEND_SLASH does.
    app.get(path.slice(0, -1), (c) => c.redirect(path + (new URL(c.req.url).search || ''), 301))
  }

  mount('/accounts/', common, accountsPages())
  app.use('/', ...guarded)
  app.get('/', dashboardPage(site))
  for (const module of pages) mount(module.path, guarded, module.create(site))
  mount('/admin/', [...guarded, staffRequired()], adminPages(site))
  // The contact autocomplete of every page that picks contacts (Messaging, Dialogues).
  app.use(CONTACT_SEARCH, ...guarded)
  app.get(CONTACT_SEARCH, async (c) => c.json(await searchContacts(site.em().getKnex(), router.db.dialect, c.req.query('q') ?? '')))
  app.notFound((c) => c.text('Not Found', 404))
  return app as unknown as Hono
}
