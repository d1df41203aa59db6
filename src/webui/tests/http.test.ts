import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { http } from '../src/api/http'
import { mockFetch } from './helpers'

beforeEach(() => {
  vi.spyOn(console, 'debug').mockImplementation(() => {})
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('http wrapper', () => {
  it('returns data on success', async () => {
    mockFetch([{ url: '/api/x', body: { a: 1 } }])
    const r = await http.get<{ a: number }>('/api/x')
    expect(r).toEqual({ ok: true, status: 200, data: { a: 1 } })
  })

  it('maps 404 to notFound without throwing', async () => {
    mockFetch([])
    const r = await http.get('/api/missing')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.kind).toBe('notFound')
  })

  it('extracts validation errors from 400', async () => {
    mockFetch([{ method: 'POST', url: '/api/jobs', status: 400, body: { errors: { steps: ['Steps must be 1..150'] } } }])
    const r = await http.post('/api/jobs', {})
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.fieldErrors).toEqual({ steps: ['Steps must be 1..150'] })
      expect(r.message).toContain('Steps must be 1..150')
    }
  })

  it('reads Retry-After on 429 and the server message on 500', async () => {
    mockFetch([
      { method: 'POST', url: '/a', status: 429, body: { error: 'busy' }, headers: { 'Retry-After': '7' } },
      { url: '/b', status: 500, body: { error: 'boom' } },
    ])
    const a = await http.post('/a')
    const b = await http.get('/b')
    expect(!a.ok && a.retryAfter).toBe(7)
    expect(!b.ok && b.message).toBe('boom')
  })

  it('turns network errors into a result', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    const error = vi.spyOn(console, 'error')
    const r = await http.get('/x')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.kind).toBe('network')
    expect(error).not.toHaveBeenCalled()
  })

  it('handles 204 and invalid JSON', async () => {
    mockFetch([
      { method: 'DELETE', url: '/d', status: 204 },
      { url: '/bad', body: '{not json' },
    ])
    expect((await http.del('/d')).ok).toBe(true)
    const bad = await http.get('/bad')
    expect(!bad.ok && bad.kind).toBe('parse')
  })
})

describe('token counting request', () => {
  it('marks the negative prompt so the server does not split it on AND', async () => {
    const { api } = await import('../src/api/endpoints')
    const { bodyOf } = await import('./helpers')
    const fn = mockFetch([{ method: 'POST', url: '/api/prompt/tokenize', body: { tokenCount: 3, chunks: [] } }])
    await api.tokenize('cat AND dog', undefined, true)
    expect(bodyOf(fn, '/api/prompt/tokenize')).toEqual({ prompt: 'cat AND dog', negative: true })
    fn.mockClear()
    await api.tokenize('cat AND dog')
    expect(bodyOf(fn, '/api/prompt/tokenize')).toEqual({ prompt: 'cat AND dog' })
  })
})
