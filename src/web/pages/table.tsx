import type { Child } from 'hono/jsx'

/** A column of a table: its header, how to draw a row's cell, and the sort it offers. */
export interface Column<R> {
  label: string
  cell: (row: R) => Child
  /** The `sort` parameter that orders by this column (no sort link when absent). */
  sort?: string
  class?: string
}

/** The table's current sort and how to link another one. */
export interface TableSort {
  key: string
  dir: 'asc' | 'desc'
  href: (key: string, dir: 'asc' | 'desc') => string
}

/**
 * A Bootstrap table with a caption, sortable headers (a link per sortable column; the
 * current one marked with `aria-sort`) and a row per item; `empty` when there are none.
 * On a phone each row becomes a block of labelled lines (the header stays for screen
 * readers); a table too wide still scrolls inside itself, never the page.
 */
export function DataTable<R>({ caption, columns, rows, empty, sort, id }: { caption: string; columns: Column<R>[]; rows: R[]; empty: string; sort?: TableSort; id?: string }) {
  return (
    <div class="table-responsive">
      <table class="table table-sm table-striped align-middle table-stack" id={id}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const current = sort && column.sort === sort.key
              const ariaSort = current ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined
              return (
                <th scope="col" class={column.class} aria-sort={ariaSort}>
                  {sort && column.sort ? (
                    <a href={sort.href(column.sort, current && sort.dir === 'desc' ? 'asc' : 'desc')} class="link-body-emphasis">
                      {column.label}
                      {current ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                    </a>
                  ) : (
                    column.label
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {rows.length ? (
            rows.map((row) => (
              <tr>
                {columns.map((column) => (
                  <td class={column.class} data-label={column.label}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          ) : (
            <tr>
              <td colspan={columns.length} class="text-body-secondary">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  )
}

/** Links to the pages before and after this one (keyset cursors), when there are any. */
export function Pager({ prev, next, label = 'Pages', prevLabel = '« Newer', nextLabel = 'Older »' }: { prev?: string; next?: string; label?: string; prevLabel?: string; nextLabel?: string }) {
  if (!prev && !next) return null
  return (
    <nav aria-label={label}>
      <ul class="pagination">
        <li class={`page-item${prev ? '' : ' disabled'}`}>
          {prev ? (
            <a class="page-link" href={prev} rel="prev">
              {prevLabel}
            </a>
          ) : (
            <span class="page-link">{prevLabel}</span>
          )}
        </li>
        <li class={`page-item${next ? '' : ' disabled'}`}>
          {next ? (
            <a class="page-link" href={next} rel="next">
              {nextLabel}
            </a>
          ) : (
            <span class="page-link">{nextLabel}</span>
          )}
        </li>
      </ul>
    </nav>
  )
}

/** This page's URL with some query parameters changed (undefined removes one). */
export function withQuery(url: string, changes: Record<string, string | undefined>): string {
  const u = new URL(url)
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') u.searchParams.delete(key)
    else u.searchParams.set(key, value)
  }
  return u.pathname + u.search
}

/** Links for a keyset page's neighbours: this URL with `after` or `before` set. */
export function pagerLinks(url: string, page: { next?: string; prev?: string }): { next?: string; prev?: string } {
  return {
    next: page.next ? withQuery(url, { after: page.next, before: undefined }) : undefined,
    prev: page.prev ? withQuery(url, { before: page.prev, after: undefined }) : undefined,
  }
}
