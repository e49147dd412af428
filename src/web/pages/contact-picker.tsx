import type { Child } from 'hono/jsx'
import type { Recipient } from './contacts.js'

/** Where the contact autocomplete asks for matches (the site serves it behind the login). */
export const CONTACT_SEARCH = '/contacts/search.json'

/**
 * A field to pick contacts with autocomplete (WAI-ARIA's combobox, driven by
 * /static/rapidsms/autocomplete.js; add it to the page's scripts): chips of the chosen ones,
 * each a hidden input `name` holding its id, and a text input asking the site for matches.
 */
export function ContactPicker({ name, label, chosen, help, error }: { name: string; label: string; chosen: Pick<Recipient, 'id' | 'label'>[]; help: Child; error?: string }) {
  return (
    <div class="mb-3 autocomplete" data-autocomplete={CONTACT_SEARCH} data-name={name} data-chosen={`chosen-${name}`}>
      <label class="form-label" for={`${name}-search`}>
        {label}
      </label>
      <ul id={`chosen-${name}`} class="list-inline mb-2" aria-label={`Chosen ${label.toLowerCase()}`}>
        {chosen.map((r) => (
          <li class="list-inline-item badge text-bg-secondary fs-6 fw-normal mb-1">
            <span>{r.label}</span>
            <input type="hidden" name={name} value={String(r.id)} />
          </li>
        ))}
      </ul>
      <input
        id={`${name}-search`}
        class={`form-control${error ? ' is-invalid' : ''}`}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded="false"
        aria-controls={`${name}-options`}
        aria-describedby={`${name}-help${error ? ` ${name}-error` : ''}`}
        autocomplete="off"
        placeholder="Type a name or a number"
      />
      <ul id={`${name}-options`} class="list-group autocomplete-list shadow" role="listbox" aria-label="Matching contacts" hidden></ul>
      <div id={`${name}-help`} class="form-text">
        {help}
      </div>
      <div class="visually-hidden" role="status" data-status></div>
      {error && (
        <div id={`${name}-error`} class="invalid-feedback d-block">
          {error}
        </div>
      )}
    </div>
  )
}

/** The contact ids a picker sent (`name` repeated), each once. */
export function pickedIds(body: Record<string, unknown>, name: string): number[] {
  return [...new Set([body[name] ?? []].flat().map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN)).filter(Number.isSafeInteger))]
}
