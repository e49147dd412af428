import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Context } from 'hono'

const require = createRequire(import.meta.url)
const ours = (path: string) => fileURLToPath(new URL(path, import.meta.url))

const leafletImages = ['layers.png', 'layers-2x.png', 'marker-icon.png', 'marker-icon-2x.png', 'marker-shadow.png']

/**
 * The files under /static/: Bootstrap, Leaflet, topojson-client and world-atlas's country
 * outlines from their installed packages, and our own. Nothing comes from a CDN.
 */
export const STATIC_FILES: Record<string, string> = {
  'bootstrap/bootstrap.min.css': require.resolve('bootstrap/dist/css/bootstrap.min.css'),
  'bootstrap/bootstrap.min.css.map': require.resolve('bootstrap/dist/css/bootstrap.min.css.map'),
  'bootstrap/bootstrap.bundle.min.js': require.resolve('bootstrap/dist/js/bootstrap.bundle.min.js'),
  'bootstrap/bootstrap.bundle.min.js.map': require.resolve('bootstrap/dist/js/bootstrap.bundle.min.js.map'),
  'rapidsms/rapidsms.css': ours('../static/rapidsms.css'),
  'rapidsms/segments.js': ours('../../core/segments.js'),
  'rapidsms/messaging.js': ours('../static/messaging.js'),
  'rapidsms/autocomplete.js': ours('../static/autocomplete.js'),
  'rapidsms/locations.js': ours('../static/locations.js'),
  // The Map page (contrib.locations): Leaflet draws world-atlas's outlines instead of tiles.
  'leaflet/leaflet.js': require.resolve('leaflet/dist/leaflet.js'),
  'leaflet/leaflet.js.map': require.resolve('leaflet/dist/leaflet.js.map'),
  'leaflet/leaflet.css': require.resolve('leaflet/dist/leaflet.css'),
  ...Object.fromEntries(leafletImages.map((name) => [`leaflet/images/${name}`, require.resolve(`leaflet/dist/images/${name}`)])),
  'topojson-client/topojson-client.min.js': require.resolve('topojson-client/dist/topojson-client.min.js'),
  ...Object.fromEntries(['110m', '50m', '10m'].map((scale) => [`world-atlas/countries-${scale}.json`, require.resolve(`world-atlas/countries-${scale}.json`)])),
}

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  map: 'application/json; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
  json: 'application/json; charset=utf-8',
}

/**
 * Serves `files` (URL name under /static/ -> file on disk), read once and kept in memory,
 * with an ETag so a browser asks again cheaply. Unknown names are 404.
 */
export function staticFiles(files: Record<string, string>): (c: Context) => Promise<Response> {
  const cache = new Map<string, Promise<{ body: Buffer; etag: string }>>()
  return async (c) => {
    const name = c.req.path.replace(/^\/static\//, '')
    const file = Object.hasOwn(files, name) ? files[name] : undefined
    if (!file) return c.text('Not Found', 404)
    let entry = cache.get(name)
    if (!entry) {
      entry = readFile(file).then((body) => ({ body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` }))
      cache.set(name, entry)
    }
    const { body, etag } = await entry
    const headers = { etag, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' }
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers)
    return c.body(new Uint8Array(body), 200, { ...headers, 'content-type': TYPES[name.split('.').pop()!] ?? 'application/octet-stream' })
  }
}
