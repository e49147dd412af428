import { fc, it } from '@fast-check/vitest'
import { beforeAll, describe, expect } from 'vitest'
import { Contact } from '../../src/index.js'
import { ADMIN, createAdmin, PageClient } from '../web/support/client.js'
import { contentType, formOf, percentAll, junkBytes, junkText, multipartBody, type Encoding } from './support/arbitraries.js'
import { useEdgeUnderFuzz } from './support/edge.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

/**
 * The web pages and their forms under fuzzing, as a logged-in staff user: every page with
 * any query and any id, every form with any fields (the admin's, registration's, messaging,
 * the message tester, login), bodies of any type, the CSRF token in the form, in the header
 * or missing. No answer is a 5xx; a page read (GET) changes no row; a refused form (4xx)
 * stores nothing.
 */
const edge = useEdgeUnderFuzz()
let client: PageClient
/** The pages found by following the site's own links, and the fields of their forms. */
const pages: string[] = []
const forms: { action: string; fields: string[] }[] = []

beforeAll(async () => {
  await createAdmin(edge.rapid.db)
  const em = edge.rapid.em()
  em.create(Contact, { name: 'Ann', language: 'fr' })
  await em.flush()
  await edge.rapid.exchange('1112223333', 'join Bo', 'message_tester')
  client = new PageClient(edge.app)
  await client.login()
  // Crawl two levels of links from the dashboard and the admin index; keep every form.
  const seen = new Set<string>()
  let frontier = ['/', '/admin/']
  for (let depth = 0; depth < 3 && frontier.length; depth++) {
    const next: string[] = []
    for (const path of frontier) {
      if (seen.has(path) || path.includes('logout')) continue
      seen.add(path)
      const { status, html } = await client.get(path)
      if (status !== 200) continue
      pages.push(path)
      for (const [, href] of html.matchAll(/href="(\/[^"#]*)"/g)) if (!href!.startsWith('/static/') && !seen.has(href!)) next.push(href!.replaceAll('&amp;', '&'))
      for (const [, action, body] of html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)) {
        const fields = [...new Set([...body!.matchAll(/name="([^"]+)"/g)].map((m) => m[1]!))].filter((f) => f !== 'csrfmiddlewaretoken')
        if (action!.startsWith('/') && !action!.includes('logout') && !forms.some((f) => f.action === action)) forms.push({ action: action!.replaceAll('&amp;', '&'), fields })
      }
    }
    frontier = next
  }
  expect(pages.length).toBeGreaterThan(10)
  expect(forms.length).toBeGreaterThan(5)
}, 120_000)

/** A path like one the site links to, with its ids and query changed. */
const mutatedPath = (path: string, id: string, query: string) => `${path.replace(/\/\d+\//, `/${id}/`).split('?')[0]}${query}`
const id = fc.oneof(fc.constantFrom('1', '2', '0', '-1', '999999', '1.5', '99999999999999999999', 'abc', '%zz', '%00', '..'), junkText.map((s) => percentAll(s.slice(0, 20))))
const query = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(fc.constantFrom('q', 'o', 'p', 'page', 'after', 'before', 'dir', 'sort', 'next', 'identity', 'contact', 'all', 'type', 'parent', 'location', 'x'), junkText, fc.constantFrom<Encoding>('plus', 'percent', 'raw')), { minLength: 1, maxLength: 4 })
    .map((pairs) => `?${formOf(pairs)}`),
)

describe('the web pages under fuzzing', () => {
  const GET_RUNS = 100
  it.prop([fc.nat(), id, query], fuzz(GET_RUNS, 80))('any page, any id, any query: never a 5xx, and reading a page stores nothing', async (n, pageId, q) => {
    const path = mutatedPath(pages[n % pages.length]!, pageId, q)
    const before = await edge.countRows()
    const response = await client.request(path)
    await response.text()
    expect(response.status, `GET ${path}`).toBeLessThan(500)
    expect(await edge.countRows(), `GET ${path}`).toEqual(before)
  }, fuzzTimeout(GET_RUNS, 80))

  const POST_RUNS = 120
  const value = fc.oneof(junkText, fc.constantFrom('', '1', '0', 'on', 'true', 'fr', 'en', '1112223333', 'Ann', '[]', '[{"name":"x"}]', 'a'.repeat(300)))
  it.prop(
    {
      form: fc.nat(),
      formId: fc.option(id, { freq: 4 }),
      values: fc.array(value, { minLength: 8, maxLength: 8 }),
      drop: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      extra: fc.array(fc.tuple(junkText, junkText, fc.constant<Encoding>('plus')), { maxLength: 2 }),
      token: fc.constantFrom('form', 'form', 'header', 'none', 'wrong'),
      body: fc.constantFrom('urlencoded', 'urlencoded', 'multipart', 'broken multipart', 'junk'),
      contentType,
      multipart: multipartBody,
      junk: junkBytes,
    },
    fuzz(POST_RUNS, 100),
  )('any form with any fields and body: never a 5xx, and a refused one stores nothing', async ({ form, formId, values, drop, extra, token, body, contentType, multipart, junk }) => {
    const { action, fields } = forms[form % forms.length]!
    const path = formId === null ? action : mutatedPath(action, formId, '')
    const pairs: [string, string, Encoding][] = fields.flatMap((name, i) => (drop[i % 8] ? [] : [[name, values[i % 8]!, 'plus'] as [string, string, Encoding]]))
    if (token === 'form') pairs.push(['csrfmiddlewaretoken', client.token, 'plus'])
    if (token === 'wrong') pairs.push(['csrfmiddlewaretoken', `${client.token}x`, 'plus'])
    pairs.push(...extra)
    const headers: Record<string, string> = { origin: client.origin }
    if (token === 'header') headers['x-csrftoken'] = client.token
    let payload: string | FormData | Uint8Array
    if (body === 'urlencoded') {
      payload = formOf(pairs)
      headers['content-type'] = 'application/x-www-form-urlencoded'
    } else if (body === 'multipart') {
      const data = new FormData()
      for (const [name, v] of pairs) data.append(name, v)
      payload = data
    } else if (body === 'broken multipart') {
      payload = multipart.body
      headers['content-type'] = multipart.contentType
    } else {
      payload = junk
      if (contentType !== undefined) headers['content-type'] = contentType
    }
    const before = await edge.countRows()
    const response = await client.request(path, { method: 'POST', body: payload, headers })
    const html = await response.text()
    await edge.rapid.db.writer.drain()
    const what = `POST ${path} (${body}, token ${token}) ${JSON.stringify(pairs).slice(0, 300)} -> ${response.status} ${html.slice(0, 200)}`
    expect(response.status, what).toBeLessThan(500)
    if (response.status >= 400) expect(await edge.countRows(), what).toEqual(before)
    // Stay logged in for the next runs (a form may have logged us out, or deleted our user).
    if ((await client.get('/')).status !== 200) {
      await createAdmin(edge.rapid.db).catch(() => undefined)
      await client.login(ADMIN)
      await client.get('/')
    }
  }, fuzzTimeout(POST_RUNS, 100))
})
