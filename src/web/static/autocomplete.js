// A combobox over the server's matches (WAI-ARIA's list autocomplete pattern), for any
// element marked data-autocomplete="<url>": typing asks <url>?q=..., choosing an option adds
// a removable chip with a hidden input (data-name) holding its id. Texts are set with
// textContent, never as HTML: names come from strangers.
for (const root of document.querySelectorAll('[data-autocomplete]')) {
  const source = root.dataset.autocomplete
  const field = root.dataset.name
  const input = root.querySelector('input[role="combobox"]')
  const list = root.querySelector('[role="listbox"]')
  const chosen = document.getElementById(root.dataset.chosen)
  const status = root.querySelector('[data-status]')
  let options = []
  let active = -1
  let timer
  let asked = 0

  const close = () => {
    list.hidden = true
    input.setAttribute('aria-expanded', 'false')
    input.removeAttribute('aria-activedescendant')
    active = -1
  }
  const highlight = (index) => {
    active = index
    for (const [i, li] of [...list.children].entries()) li.setAttribute('aria-selected', String(i === index))
    if (index >= 0) input.setAttribute('aria-activedescendant', list.children[index].id)
  }
  const has = (id) => [...chosen.querySelectorAll('input[type="hidden"]')].some((i) => i.value === String(id))
  const choose = (option) => {
    if (!has(option.id)) {
      const chip = document.createElement('li')
      chip.className = 'list-inline-item badge text-bg-secondary fs-6 fw-normal mb-1'
      const label = document.createElement('span')
      label.textContent = option.label
      const hidden = document.createElement('input')
      hidden.type = 'hidden'
      hidden.name = field
      hidden.value = String(option.id)
      const remove = document.createElement('button')
      remove.type = 'button'
      remove.className = 'btn-close btn-close-white ms-2 align-middle'
      remove.setAttribute('aria-label', `Remove ${option.label}`)
      remove.addEventListener('click', () => {
        chip.remove()
        input.focus()
      })
      chip.append(label, hidden, remove)
      chosen.append(chip)
    }
    input.value = ''
    close()
    input.focus()
  }
  const render = () => {
    list.replaceChildren(
      ...options.map((option, i) => {
        const li = document.createElement('li')
        li.id = `${input.id}-option-${i}`
        li.setAttribute('role', 'option')
        li.className = 'list-group-item list-group-item-action'
        li.textContent = option.label
        li.addEventListener('mousedown', (event) => {
          event.preventDefault()
          choose(option)
        })
        return li
      }),
    )
    list.hidden = options.length === 0
    input.setAttribute('aria-expanded', String(options.length > 0))
    status.textContent = input.value.trim() ? `${options.length} match${options.length === 1 ? '' : 'es'}` : ''
    highlight(options.length ? 0 : -1)
  }
  const ask = async () => {
    const q = input.value.trim()
    const ticket = ++asked
    if (!q) {
      options = []
      return render()
    }
    const response = await fetch(`${source}?q=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' } })
    if (!response.ok || ticket !== asked) return
    options = await response.json()
    render()
  }
  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(ask, 150)
  })
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && options.length) highlight((active + 1) % options.length)
    else if (event.key === 'ArrowUp' && options.length) highlight((active - 1 + options.length) % options.length)
    else if (event.key === 'Enter') {
      if (active >= 0 && !list.hidden) choose(options[active])
    } else if (event.key === 'Escape') close()
    else return
    event.preventDefault()
  })
  input.addEventListener('blur', () => setTimeout(close, 100))
}
