import type { Context } from 'hono'
import type { DashboardCard, Site, SiteEnv } from './context.js'
import { getLogger } from '../../core/logger.js'

const log = getLogger('rapidsms.web')

function Card({ card }: { card: DashboardCard }) {
  return (
    <section class="col-12 col-md-6 col-xl-4" aria-label={card.title}>
      <div class="card h-100">
        <div class="card-body">
          <h2 class="h5 card-title">{card.title}</h2>
          <dl class="row mb-0">
            {card.figures.map((f) => (
              <>
                <dt class="col-8 fw-normal">{f.label}</dt>
                <dd class="col-4 text-end fw-semibold mb-1">{f.value}</dd>
              </>
            ))}
          </dl>
        </div>
        {card.links && card.links.length > 0 && (
          <div class="card-footer bg-transparent">
            {card.links.map((l) => (
              <a class="me-3" href={l.href}>
                {l.label}
              </a>
            ))}
          </div>
        )}
      </div>
    </section>
  )
}

/**
 * The dashboard at `/` (RapidSMS's front page): a card per installed page set that has
 * figures (messages today in and out, per backend...), the host's counters since it started
 * (errors included), and links to every page.
 */
export function dashboardPage(site: Site): (c: Context<SiteEnv>) => Promise<Response> {
  return async (c) => {
    const cards: DashboardCard[] = []
    for (const module of site.pages) {
      if (!module.dashboard) continue
      try {
        const card = await module.dashboard(site)
        if (card) cards.push(card)
      } catch (error) {
        // One card failing must not take the dashboard down.
        log.error({ err: error, pages: module.title }, 'dashboard card failed')
      }
    }
    const stats = site.stats?.()
    if (stats) {
      cards.push({
        title: 'Since this host started',
        figures: [
          { label: 'Messages received', value: stats.received },
          { label: 'Messages sent', value: stats.sent },
          { label: 'Send failures', value: stats.sendFailures },
          { label: 'App errors', value: stats.appErrors },
          { label: 'Conversations in memory', value: stats.connections },
        ],
      })
    }
    return c.render(
      <>
        <div class="row g-3 mb-4">
          {cards.map((card) => (
            <Card card={card} />
          ))}
        </div>
        <h2 class="h5">Pages</h2>
        <ul>
          {site.nav.map((link) => (
            <li>
              <a href={link.href}>{link.label}</a>
            </li>
          ))}
          {(c.get('user')?.isStaff || c.get('user')?.isSuperuser) && (
            <li>
              <a href="/admin/">Admin</a>
            </li>
          )}
        </ul>
      </>,
      { title: 'Dashboard' },
    )
  }
}
