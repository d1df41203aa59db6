import { vi } from 'vitest'

export interface MockRoute {
  method?: string
  url: string | RegExp
  status?: number
  body?: unknown
  headers?: Record<string, string>
}

/** Installs a vi.fn() fetch answering from a route table (unknown routes → 404). */
export function mockFetch(routes: MockRoute[]) {
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const method = (init?.method ?? 'GET').toUpperCase()
    const route = routes.find(
      (r) => (r.method ?? 'GET').toUpperCase() === method && (typeof r.url === 'string' ? r.url === url : r.url.test(url)),
    )
    if (!route) return new Response('Not Found', { status: 404 })
    const status = route.status ?? 200
    const body = route.body === undefined || status === 204 ? null : typeof route.body === 'string' ? route.body : JSON.stringify(route.body)
    return new Response(body, { status, headers: { 'Content-Type': 'application/json', ...(route.headers ?? {}) } })
  })
  vi.stubGlobal('fetch', fn)
  return fn
}

export function bodyOf(fn: ReturnType<typeof mockFetch>, urlPart: string): unknown {
  const call = fn.mock.calls.find((c) => String(c[0]).includes(urlPart))
  const init = call?.[1]
  return init?.body ? JSON.parse(String(init.body)) : undefined
}
