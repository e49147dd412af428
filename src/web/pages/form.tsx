import type { Child, PropsWithChildren } from 'hono/jsx'
import { useRequestContext } from 'hono/jsx-renderer'
import { CSRF_FIELD } from '../accounts/csrf.js'
import type { SiteEnv } from './context.js'

/** Errors of a submitted form by field name; `__all__` for the form as a whole (Django's). */
export type FormErrors = Record<string, string>

export type FieldType = 'text' | 'textarea' | 'number' | 'checkbox' | 'select' | 'file' | 'password' | 'date' | 'datetime-local' | 'email' | 'tel' | 'search' | 'hidden'

/** One field of a form, as `<Field>` draws it. */
export interface FieldSpec {
  name: string
  label: string
  type?: FieldType
  value?: string | number | boolean | null
  /** For selects: `[value, label]` pairs. */
  options?: readonly (readonly [string, string])[]
  required?: boolean
  help?: Child
  maxLength?: number
  rows?: number
  autocomplete?: string
  accept?: string
  inputmode?: 'numeric' | 'tel' | 'text' | 'search'
  /** Extra attributes for the input (data-*, aria-*...). */
  attrs?: Record<string, string>
}

/** The hidden CSRF token field; `<Form method="post">` adds it itself. */
export function CsrfField() {
  const c = useRequestContext<SiteEnv>()
  return <input type="hidden" name={CSRF_FIELD} value={c.get('csrfToken')} />
}

/** A form; a POST form carries the CSRF token. */
export function Form({ children, method = 'post', action, enctype, id, class: className, 'aria-label': label }: PropsWithChildren<{ method?: 'get' | 'post'; action?: string; enctype?: 'multipart/form-data' | 'application/x-www-form-urlencoded'; id?: string; class?: string; 'aria-label'?: string }>) {
  return (
    <form method={method} action={action} enctype={enctype} id={id} class={className} aria-label={label} novalidate>
      {method === 'post' && <CsrfField />}
      {children}
    </form>
  )
}

/** A form's error that belongs to no field. */
export function FormError({ errors }: { errors?: FormErrors }) {
  return errors?.__all__ ? (
    <div class="alert alert-danger" role="alert">
      {errors.__all__}
    </div>
  ) : null
}

/**
 * A field with its label, help and error in Bootstrap's markup: an invalid field is marked
 * `is-invalid` and `aria-invalid`, its error linked with `aria-describedby` (docs 13.9).
 */
export function Field({ field, error, id = `id_${field.name}` }: { field: FieldSpec; error?: string; id?: string }) {
  const type = field.type ?? 'text'
  const { 'aria-describedby': extra, ...attrs } = field.attrs ?? {}
  const described = [field.help ? `${id}_help` : '', error ? `${id}_error` : '', extra ?? ''].filter(Boolean).join(' ') || undefined
  const common = {
    id,
    name: field.name,
    required: field.required,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': described,
    ...attrs,
  }
  const feedback = (
    <>
      {field.help && (
        <div id={`${id}_help`} class="form-text">
          {field.help}
        </div>
      )}
      {error && (
        <div id={`${id}_error`} class="invalid-feedback d-block">
          {error}
        </div>
      )}
    </>
  )
  const invalid = error ? ' is-invalid' : ''
  if (type === 'hidden') return <input type="hidden" name={field.name} value={field.value === null || field.value === undefined ? '' : String(field.value)} />
  if (type === 'checkbox') {
    return (
      <div class="form-check mb-3">
        <input class={`form-check-input${invalid}`} type="checkbox" value="on" checked={field.value === true || field.value === 'on'} {...common} />
        <label class="form-check-label" for={id}>
          {field.label}
        </label>
        {feedback}
      </div>
    )
  }
  const value = field.value === null || field.value === undefined || typeof field.value === 'boolean' ? '' : String(field.value)
  let control: Child
  if (type === 'textarea') {
    control = (
      <textarea class={`form-control${invalid}`} rows={field.rows ?? 4} maxlength={field.maxLength} {...common}>
        {value}
      </textarea>
    )
  } else if (type === 'select') {
    control = (
      <select class={`form-select${invalid}`} {...common}>
        {(field.options ?? []).map(([v, label]) => (
          <option value={v} selected={v === value}>
            {label}
          </option>
        ))}
      </select>
    )
  } else {
    control = (
      <input
        class={`form-control${invalid}`}
        type={type}
        value={type === 'file' || type === 'password' ? undefined : value}
        maxlength={field.maxLength}
        autocomplete={field.autocomplete}
        accept={field.accept}
        inputmode={field.inputmode}
        {...common}
      />
    )
  }
  return (
    <div class="mb-3">
      <label class="form-label" for={id}>
        {field.label}
        {field.required && <span class="visually-hidden"> (required)</span>}
      </label>
      {control}
      {feedback}
    </div>
  )
}
