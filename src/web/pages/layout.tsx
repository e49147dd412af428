import type { Child, PropsWithChildren } from 'hono/jsx'
import { jsxRenderer, useRequestContext } from 'hono/jsx-renderer'
import type { Context } from 'hono'
import type { Flash, NavLink, SiteEnv } from './context.js'
import { CsrfField } from './form.js'
import { flashShown } from './flash.js'

/** What a page passes to `c.render(content, props)` (docs 13.3-13.6: title, styles, scripts, header). */
export interface PageProps {
  /** The page's title (`<title>` and, unless `header` is given, its `<h1>`). */
  title: string
  /** The page header; `false` for none (the login page draws its own). */
  header?: Child | false
  /** Extra stylesheets and scripts (URLs under /static/), after Bootstrap's. */
  styles?: string[]
  scripts?: string[]
}

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: PageProps): Response | Promise<Response>
  }
}

const FLASH_CLASS: Record<Flash['level'], string> = { success: 'alert-success', info: 'alert-info', warning: 'alert-warning', danger: 'alert-danger' }

function isActive(link: NavLink, path: string): boolean {
  return link.href === '/' ? path === '/' : path.startsWith(link.href)
}

function TopNav({ c }: { c: Context<SiteEnv> }) {
  const site = c.get('site')
  const user = c.get('user')
  const path = c.req.path
  return (
    <nav class="navbar navbar-expand-lg bg-body-tertiary border-bottom" aria-label="Main">
      <div class="container-fluid">
        <a class="navbar-brand" href="/">
          {site.projectName}
        </a>
        {user && (
          <>
            <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#main-nav" aria-controls="main-nav" aria-expanded="false" aria-label="Toggle navigation">
              <span class="navbar-toggler-icon"></span>
            </button>
            <div class="collapse navbar-collapse" id="main-nav">
              <ul class="navbar-nav me-auto">
                {site.nav.map((link) => (
                  <li class="nav-item">
                    <a class={`nav-link${isActive(link, path) ? ' active' : ''}`} href={link.href} aria-current={isActive(link, path) ? 'page' : undefined}>
                      {link.label}
                    </a>
                  </li>
                ))}
              </ul>
              <ul class="navbar-nav">
                {(user.isStaff || user.isSuperuser) && (
                  <li class="nav-item">
                    <a class={`nav-link${path.startsWith('/admin/') ? ' active' : ''}`} href="/admin/">
                      Admin
                    </a>
                  </li>
                )}
                <li class="nav-item">
                  <form method="post" action="/accounts/logout/" class="d-inline">
                    <CsrfField />
                    <button type="submit" class="btn btn-link nav-link">
                      Log out {user.username}
                    </button>
                  </form>
                </li>
              </ul>
            </div>
          </>
        )}
      </div>
    </nav>
  )
}

/**
 * The base page every page extends (docs 13.2): Bootstrap from /static/, the top navigation
 * the project configures, the flash messages, the page header and the content.
 */
export function Layout({ c, children, title, header, styles = [], scripts = [] }: PropsWithChildren<PageProps & { c: Context<SiteEnv> }>) {
  const flashes = c.get('flash') ?? []
  if (flashes.length) flashShown(c)
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${c.get('site').projectName}`}</title>
        <link rel="stylesheet" href="/static/bootstrap/bootstrap.min.css" />
        <link rel="stylesheet" href="/static/rapidsms/rapidsms.css" />
        {styles.map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
      </head>
      <body>
        <a class="visually-hidden-focusable" href="#content">
          Skip to content
        </a>
        <TopNav c={c} />
        <main id="content" class="container-fluid py-3">
          {header !== false && (
            <div class="page-header mb-3">
              <h1 class="h2">{header ?? title}</h1>
            </div>
          )}
          {flashes.map((f) => (
            <div class={`alert ${FLASH_CLASS[f.level]}`} role={f.level === 'danger' ? 'alert' : 'status'}>
              {f.text}
            </div>
          ))}
          {children}
        </main>
        <script src="/static/bootstrap/bootstrap.bundle.min.js"></script>
        {scripts.map((src) => (
          <script type="module" src={src}></script>
        ))}
      </body>
    </html>
  )
}

/** The middleware that makes `c.render(content, { title })` draw a page in the Layout. */
export function layoutRenderer() {
  return jsxRenderer<SiteEnv>(({ children, ...props }, c) => (
    <Layout c={c as Context<SiteEnv>} {...(props as PageProps)}>
      {children}
    </Layout>
  ))
}

/** The request's context inside a component drawn by `c.render`. */
export function useSite(): Context<SiteEnv> {
  return useRequestContext<SiteEnv>()
}
