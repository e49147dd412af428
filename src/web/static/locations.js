// The Map page (contrib.locations): Leaflet draws the country outlines world-atlas ships
// (through topojson-client) instead of map tiles, so nothing is asked of another site; the
// locations come from /locations/locations.geojson. Choosing a type redraws them; choosing
// a location (on the map or in a list) shows its details and what is inside it, without
// reloading the page. Without this script the page's links and form do the same.
const L = globalThis.L
const topojson = globalThis.topojson
const mapElement = document.getElementById('location-map')

if (mapElement && L && topojson) start(mapElement)

function start(element) {
  const types = (element.dataset.types ?? '').split(' ').filter(Boolean)
  const typeClass = (slug) => `type-${Math.max(0, types.indexOf(slug)) % 8}`
  const filter = document.getElementById('location-filter')
  const typeSelect = document.getElementById('location-type')
  const list = () => document.getElementById('location-list')
  const details = document.getElementById('location-details')
  const listTitle = document.getElementById('location-list-title')
  const canChange = element.dataset.staff === 'true'

  const map = L.map(element, { minZoom: 1, maxZoom: 16, zoomSnap: 0.5, worldCopyJump: true })
  map.attributionControl.setPrefix('Leaflet')
  map.attributionControl.addAttribution('Outlines: Natural Earth')
  map.setView([0, 20], 2)
  L.control.scale({ imperial: false }).addTo(map)

  const outline = L.geoJSON(null, { interactive: false, style: { className: 'map-country', color: '#6c757d', weight: 0.8, fillColor: '#f8f9fa', fillOpacity: 1 } }).addTo(map)
  const shown = L.layerGroup().addTo(map)
  const selection = L.layerGroup().addTo(map)
  let features = []
  let selected = details?.dataset.selected ? Number(details.dataset.selected) : undefined

  fetch(element.dataset.outline)
    .then((r) => r.json())
    .then((topology) => {
      outline.addData(topojson.feature(topology, topology.objects.countries))
      outline.bringToBack()
      element.dataset.outlineReady = 'true'
    })
    .catch(() => (element.dataset.outlineReady = 'failed'))

  const marker = (feature, role) => {
    const [lng, lat] = feature.geometry.coordinates
    const p = feature.properties
    const m = L.marker([lat, lng], {
      icon: L.divIcon({ className: `location-marker ${typeClass(p.type)} ${role}`, iconSize: role === 'is-selected' ? [20, 20] : [14, 14] }),
      title: `${p.name} (${p.typeName})`,
      keyboard: true,
      riseOnHover: true,
      zIndexOffset: role === 'is-selected' ? 1000 : role === 'is-child' ? 500 : 0,
    })
    m.on('add', () => {
      const icon = m.getElement()
      icon.setAttribute('aria-label', `${p.name} (${p.typeName})`)
      icon.dataset.location = String(feature.id)
      icon.dataset.role = role
    })
    m.on('click', () => select(feature.id))
    m.on('keypress', (e) => {
      if (e.originalEvent.key === 'Enter' || e.originalEvent.key === ' ') select(feature.id)
    })
    return m
  }
  const located = (fs) => fs.filter((f) => f.geometry)

  // All the locations: close enough to see the countries' borders; one and its children: close enough to tell them apart.
  const fit = (fs, maxZoom) => {
    const points = located(fs).map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]])
    if (points.length === 1) map.setView(points[0], Math.max(map.getZoom(), Math.min(maxZoom, 8)))
    else if (points.length) map.fitBounds(points, { padding: [24, 24], maxZoom })
  }

  const link = (id, name) => {
    const a = document.createElement('a')
    const params = new URLSearchParams()
    if (typeSelect?.value) params.set('type', typeSelect.value)
    params.set('location', String(id))
    a.href = `/locations/?${params}`
    a.dataset.location = String(id)
    a.textContent = name
    return a
  }
  const swatch = (slug) => {
    const s = document.createElement('span')
    s.className = `location-swatch ${typeClass(slug)}`
    s.setAttribute('aria-hidden', 'true')
    return s
  }
  const item = (feature, small) => {
    const li = document.createElement('li')
    const kind = document.createElement('span')
    kind.className = `text-body-secondary${small ? ' small' : ''}`
    kind.textContent = feature.properties.typeName
    li.append(swatch(feature.properties.type), ' ', link(feature.id, feature.properties.name), ' ', kind)
    return li
  }

  // The selected location and its children are drawn by the selection layer, not twice.
  let inSelection = new Set()
  const drawShown = () => {
    shown.clearLayers()
    for (const f of located(features)) if (!inSelection.has(f.id)) shown.addLayer(marker(f, 'is-shown'))
  }

  const drawList = (data) => {
    const option = typeSelect?.selectedOptions[0]
    if (listTitle) listTitle.textContent = `${typeSelect?.value ? option.textContent.replace(/\s*\(\d+\)$/, '') : 'All locations'} (${data.features.length}${data.truncated ? '+' : ''})`
    const old = list()
    let next
    if (data.features.length) {
      next = document.createElement('ul')
      next.className = 'list-unstyled location-list'
      for (const f of data.features) next.append(item(f, true))
    } else {
      next = document.createElement('p')
      next.textContent = 'No locations of this type yet.'
    }
    next.id = 'location-list'
    old?.replaceWith(next)
  }

  const load = async (fitAll) => {
    const params = new URLSearchParams()
    if (typeSelect?.value) params.set('type', typeSelect.value)
    const response = await fetch(`/locations/locations.geojson?${params}`)
    if (!response.ok) return
    const data = await response.json()
    features = data.features
    drawShown()
    drawList(data)
    if (fitAll && selected === undefined) fit(features, 7)
    element.dataset.ready = 'true'
  }

  const drawDetails = (data) => {
    const p = data.location.properties
    details.dataset.selected = String(data.location.id)
    details.replaceChildren()
    const h = document.createElement('h2')
    h.id = 'location-details-title'
    h.className = 'h5'
    h.textContent = p.name
    const dl = document.createElement('dl')
    dl.className = 'row small mb-2'
    const row = (term, ...content) => {
      const dt = document.createElement('dt')
      dt.className = 'col-4'
      dt.textContent = term
      const dd = document.createElement('dd')
      dd.className = 'col-8'
      dd.append(...content)
      dl.append(dt, dd)
      return dd
    }
    row('Type', swatch(p.type), ` ${p.typeName}`)
    row('Slug', p.slug)
    const g = data.location.geometry
    row('Point', g ? `${g.coordinates[1]}, ${g.coordinates[0]}` : 'No point')
    const parents = data.ancestors.flatMap((a, i) => (i > 0 ? [' › ', link(a.id, a.name)] : [link(a.id, a.name)]))
    row('In', ...(parents.length ? parents : ['(top level)'])).id = 'location-ancestors'
    const children = data.children.features
    const h3 = document.createElement('h3')
    h3.className = 'h6'
    h3.id = 'location-children-title'
    h3.textContent = `Inside ${p.name} (${children.length}${data.children.truncated ? '+' : ''})`
    let inside
    if (children.length) {
      inside = document.createElement('ul')
      inside.className = 'list-unstyled location-list'
      inside.setAttribute('aria-labelledby', 'location-children-title')
      for (const f of children) inside.append(item(f, false))
    } else {
      inside = document.createElement('p')
      inside.className = 'small'
      inside.textContent = 'Nothing is inside it.'
    }
    inside.id = 'location-children'
    details.append(h, dl, h3, inside)
    if (canChange) {
      const para = document.createElement('p')
      para.className = 'small mb-0'
      const a = document.createElement('a')
      a.href = `/admin/locations/location/${data.location.id}/change/`
      a.textContent = `Change ${p.name} in the admin`
      para.append(a)
      details.append(para)
    }
  }

  const select = async (id, { push = true } = {}) => {
    const response = await fetch(`/locations/${id}.json`)
    if (!response.ok) return
    const data = await response.json()
    selected = data.location.id
    drawDetails(data)
    selection.clearLayers()
    for (const f of located(data.children.features)) selection.addLayer(marker(f, 'is-child'))
    if (data.location.geometry) selection.addLayer(marker(data.location, 'is-selected'))
    inSelection = new Set([data.location.id, ...data.children.features.map((f) => f.id)])
    drawShown()
    fit([data.location, ...data.children.features], 10)
    if (push) history.pushState({ location: selected }, '', linkHref(selected))
    element.dataset.selected = String(selected)
  }
  const linkHref = (id) => {
    const params = new URLSearchParams()
    if (typeSelect?.value) params.set('type', typeSelect.value)
    if (id !== undefined) params.set('location', String(id))
    return `/locations/${params.size ? `?${params}` : ''}`
  }

  // Links to a location (the lists, the path) choose it here instead of loading the page.
  document.addEventListener('click', (event) => {
    const a = event.target instanceof Element ? event.target.closest('a[data-location]') : null
    if (!a || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return
    event.preventDefault()
    void select(Number(a.dataset.location))
  })
  typeSelect?.addEventListener('change', () => {
    history.replaceState(history.state, '', linkHref(selected))
    void load(true)
  })
  filter?.addEventListener('submit', (event) => {
    event.preventDefault()
    void load(true)
  })
  window.addEventListener('popstate', () => {
    const id = new URL(location.href).searchParams.get('location')
    if (id && /^\d+$/.test(id)) void select(Number(id), { push: false })
  })

  void load(true).then(() => (selected !== undefined ? select(selected, { push: false }) : undefined))
}
