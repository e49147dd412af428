import type { EntityManager } from '@mikro-orm/knex'
import type { Hono } from 'hono'
import type { RouterServices } from '../../apps/router.js'
import type { AdminOptions, User } from '../../models/index.js'
import type { LoginThrottle } from '../accounts/throttle.js'

/** A link of the top navigation. */
export interface NavLink {
  label: string
  href: string
}

/** A message shown once, on the next page (Django's messages framework). */
export interface Flash {
  level: 'success' | 'info' | 'warning' | 'danger'
  text: string
}

/** The host's counters since it started (Host.stats()). */
export interface HostStats {
  received: number
  sent: number
  sendFailures: number
  appErrors: number
  connections: number
}

/** What every page can reach: the router (messaging API, settings, database) and the site's parts. */
export interface Site {
  readonly router: RouterServices
  readonly projectName: string
  /** The page sets installed apps brought, in the order of `apps`. */
  readonly pages: readonly PageModule[]
  /** Every entity registered in the admin. */
  readonly admin: readonly AdminOptions[]
  readonly nav: readonly NavLink[]
  readonly throttle: LoginThrottle
  /** The key that signs sessions and CSRF tokens (resolved on first use). */
  secret(): Promise<string>
  /** The host's counters, when the router has them. */
  stats?(): HostStats
  /** A fresh EntityManager for one request. */
  em(): EntityManager
}

/** The variables the site's middleware sets on every page request. */
export interface SiteEnv {
  Variables: {
    site: Site
    /** The logged-in user (set by the session middleware; required past the login check). */
    user: User | undefined
    /** The token every form of this page sends back (see csrfProtection). */
    csrfToken: string
    /** Messages to show on this page, taken from the flash cookie. */
    flash: Flash[]
  }
}

/** A dashboard card: a title, figures and links, from a page set. */
export interface DashboardCard {
  title: string
  figures: { label: string; value: number | string }[]
  links?: NavLink[]
}

/**
 * The web pages of an app (RapidSMS's urls.py and views of a contrib app): mounted at `path`
 * (with a trailing slash), linked from the top navigation as `title`, built once the site is.
 * Every page needs login; forms carry the CSRF token (`<Form>` adds it).
 */
export interface PageModule {
  readonly path: string
  readonly title: string
  /** Leave it out of the top navigation (still reachable, e.g. from other pages). */
  readonly hidden?: boolean
  create(site: Site): Hono<SiteEnv>
  /** A card for the dashboard at `/`. */
  dashboard?(site: Site): Promise<DashboardCard | undefined>
}

/**
 * Declare an app's pages; set them as the app's static `pages`.
 * @example
 * export const pages = definePages({ path: '/httptester/', title: 'Message Tester', create: (site) => testerPages(site) })
 * class HttpTesterApp extends AppBase { static override pages = pages }
 */
export function definePages(module: PageModule): PageModule {
  if (!/^\/[\w/-]*\/$/.test(module.path)) throw new Error(`Pages "${module.title}": path must start and end with "/" (e.g. "/httptester/"), not "${module.path}"`)
  return module
}
