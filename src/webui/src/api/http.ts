import { log } from '../utils/logger'

export type FieldErrors = Record<string, string[]>

export type ApiFailureKind = 'network' | 'http' | 'notFound' | 'parse'

export interface ApiSuccess<T> {
  ok: true
  status: number
  data: T
}

export interface ApiFailure {
  ok: false
  status: number
  kind: ApiFailureKind
  /** Human readable message from the server when it sent one. */
  message: string
  fieldErrors?: FieldErrors
  retryAfter?: number
}

export type ApiResult<T> = ApiSuccess<T> | ApiFailure

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface RequestOptions {
  body?: unknown
  signal?: AbortSignal
  /** Expect a binary response (returns a Blob). */
  blob?: boolean
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function extractFieldErrors(body: unknown): FieldErrors | undefined {
  if (!isRecord(body) || !isRecord(body.errors)) return undefined
  const out: FieldErrors = {}
  for (const [k, v] of Object.entries(body.errors)) {
    if (Array.isArray(v)) out[k] = v.map((m) => String(m))
    else if (typeof v === 'string') out[k] = [v]
  }
  return out
}

function extractMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 500)
  if (isRecord(body)) {
    for (const key of ['error', 'message', 'detail', 'title']) {
      const v = body[key]
      if (typeof v === 'string' && v.trim()) return v
    }
    const fe = extractFieldErrors(body)
    if (fe) {
      const first = Object.entries(fe).flatMap(([k, msgs]) => msgs.map((m) => `${k}: ${m}`))
      if (first.length) return first.join('; ')
    }
  }
  return fallback
}

/**
 * fetch wrapper that never throws: every outcome is an ApiResult.
 * Failures are logged at debug level (they are expected while the server grows).
 */
export async function request<T>(method: HttpMethod, url: string, opts: RequestOptions = {}): Promise<ApiResult<T>> {
  // X-Requested-With marks our own script requests: the server's CSRF guard accepts cookie-authenticated writes
  // only from the same origin, and answers 401 (not a login redirect) to them.
  const headers: Record<string, string> = { 'X-Requested-With': 'XMLHttpRequest' }
  const init: RequestInit = { method, signal: opts.signal, headers, credentials: 'same-origin' }
  if (opts.body !== undefined) {
    init.body = JSON.stringify(opts.body)
    headers['Content-Type'] = 'application/json'
    headers.Accept = 'application/json'
  }
  let res: Response
  try {
    res = await fetch(url, init)
  } catch (e) {
    log.expected(`${method} ${url} failed (network)`, e)
    return { ok: false, status: 0, kind: 'network', message: e instanceof Error ? e.message : String(e) }
  }
  if (res.status === 401 && typeof window !== 'undefined' && !window.location.pathname.startsWith('/login')) {
    // The session expired or credentials are required: go to the login page and come back here afterwards.
    redirectToLogin()
  }
  if (!res.ok) {
    let body: unknown = null
    try {
      const text = await res.text()
      try {
        body = text ? JSON.parse(text) : null
      } catch {
        body = text
      }
    } catch {
      body = null
    }
    const retry = Number(res.headers.get('Retry-After'))
    const failure: ApiFailure = {
      ok: false,
      status: res.status,
      kind: res.status === 404 || res.status === 405 || res.status === 501 ? 'notFound' : 'http',
      message: extractMessage(body, `HTTP ${res.status}`),
      fieldErrors: extractFieldErrors(body),
      retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined,
    }
    log.expected(`${method} ${url} → ${res.status}`, failure.message)
    return failure
  }
  try {
    if (opts.blob) return { ok: true, status: res.status, data: (await res.blob()) as T }
    if (res.status === 204) return { ok: true, status: res.status, data: null as T }
    const text = await res.text()
    return { ok: true, status: res.status, data: (text ? JSON.parse(text) : null) as T }
  } catch (e) {
    log.expected(`${method} ${url}: bad response body`, e)
    return { ok: false, status: res.status, kind: 'parse', message: 'Invalid response from server' }
  }
}

/** Sends the browser to the server's login page, returning to the current page after signing in. */
export function redirectToLogin(): void {
  const back = window.location.pathname + window.location.search + window.location.hash
  window.location.assign(`/login?returnUrl=${encodeURIComponent(back)}`)
}

export const http = {
  get: <T>(url: string, opts?: RequestOptions) => request<T>('GET', url, opts),
  post: <T>(url: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', url, { ...opts, body }),
  put: <T>(url: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', url, { ...opts, body }),
  del: <T>(url: string, opts?: RequestOptions) => request<T>('DELETE', url, opts),
}
