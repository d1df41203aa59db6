import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { ModelPull } from '../src/api/types'
import ModelPullPanel from '../src/components/ModelPullPanel.vue'
import { i18n, setLocale } from '../src/i18n'
import { useModelsStore } from '../src/stores/models'
import { PULL_POLL_MS, isActivePull, pullPercent, stopPullPolling, usePullsStore } from '../src/stores/pulls'
import { formatBytes, formatDuration } from '../src/utils/bytes'
import { setNotifier, type Notifier } from '../src/utils/notify'
import { mockFetch, type MockRoute } from './helpers'

let notifier: { message: ReturnType<typeof vi.fn>; notification: ReturnType<typeof vi.fn> }

beforeEach(() => {
  setActivePinia(createPinia())
  notifier = { message: vi.fn(), notification: vi.fn() }
  setNotifier(notifier as unknown as Notifier)
  vi.spyOn(console, 'debug').mockImplementation(() => {})
})
afterEach(() => {
  stopPullPolling()
  vi.unstubAllGlobals()
  vi.useRealTimers()
  vi.restoreAllMocks()
  setNotifier(null)
  setLocale('en')
})

function pull(over: Partial<ModelPull> = {}): ModelPull {
  return {
    id: 'p1',
    repo: 'org/model',
    revision: 'main',
    name: 'model',
    state: 'queued',
    file: null,
    fileIndex: null,
    fileCount: null,
    bytesDone: null,
    bytesTotal: null,
    bytesPerSecond: null,
    etaSeconds: null,
    error: null,
    startedAt: '2025-01-01T00:00:00Z',
    finishedAt: null,
    ...over,
  }
}

const MODELS = { models: [{ name: 'model', hash: null, error: null }], current: null }

/** Routes whose GET /api/models/pulls answer the test changes as the pull goes on. */
function hub(initial: ModelPull[] = []) {
  const list: MockRoute = { url: '/api/models/pulls', body: { pulls: initial } }
  const fetch = mockFetch([
    list,
    { method: 'POST', url: '/api/models/pull', status: 202, body: pull() },
    { method: 'POST', url: '/api/models/refresh', body: MODELS },
  ])
  return {
    fetch,
    set: (pulls: ModelPull[]) => (list.body = { pulls }),
    /** Body of the last POST /api/models/pull (bodyOf would match GET /api/models/pulls too). */
    posted: () => {
      const call = fetch.mock.calls.filter((c) => String(c[0]) === '/api/models/pull').at(-1)
      return call?.[1]?.body ? JSON.parse(String(call[1].body)) : undefined
    },
    calls: (url: string, method = 'GET') => fetch.mock.calls.filter((c) => String(c[0]) === url && (c[1]?.method ?? 'GET') === method).length,
  }
}

describe('pull formatting', () => {
  it('formats bytes, durations and percent', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(3.44 * 1024 ** 3)).toBe('3.4 GB')
    expect(formatBytes(null)).toBe('—')
    expect(formatDuration(75)).toBe('1:15')
    expect(formatDuration(3725)).toBe('1:02:05')
    expect(formatDuration(null)).toBe('—')
    expect(pullPercent(pull({ bytesDone: 50, bytesTotal: 200 }))).toBe(25)
    expect(pullPercent(pull({ bytesDone: 199, bytesTotal: 200 }))).toBe(99)
    expect(pullPercent(pull({ bytesDone: null, bytesTotal: null }))).toBeNull()
    expect(pullPercent(pull({ state: 'completed' }))).toBe(100)
    expect(isActivePull(pull({ state: 'running' }))).toBe(true)
    expect(isActivePull(pull({ state: 'failed' }))).toBe(false)
  })
})

describe('pulls store', () => {
  it('POSTs the trimmed request without empty fields and lists the new pull', async () => {
    const h = hub()
    const pulls = usePullsStore()
    expect(await pulls.start({ repo: '  org/model ', revision: ' ', name: '' })).toBe(true)
    expect(h.posted()).toEqual({ repo: 'org/model' })
    expect(pulls.pulls.map((p) => p.id)).toEqual(['p1'])
    expect(pulls.active).toHaveLength(1)
    expect(notifier.message).toHaveBeenCalledWith('info', 'Download started: model')

    await pulls.start({ repo: 'org/model', revision: 'v2', name: 'mine' })
    expect(h.posted()).toEqual({ repo: 'org/model', revision: 'v2', name: 'mine' })
  })

  it('shows the server message of a refused pull (400, 409) and does not poll', async () => {
    vi.useFakeTimers()
    const fetch = mockFetch([
      { method: 'POST', url: '/api/models/pull', status: 400, body: { error: "'../x' is not a plain folder name" } },
    ])
    const pulls = usePullsStore()
    expect(await pulls.start({ repo: 'org/x', name: '../x' })).toBe(false)
    expect(notifier.notification).toHaveBeenCalledWith('error', 'Could not start the download', "'../x' is not a plain folder name")
    expect(pulls.pulls).toEqual([])

    mockFetch([{ method: 'POST', url: '/api/models/pull', status: 409, body: { error: "A pull into 'x' is already queued or running." } }])
    expect(await pulls.start({ repo: 'org/x' })).toBe(false)
    expect(notifier.notification).toHaveBeenLastCalledWith('error', 'Could not start the download', "A pull into 'x' is already queued or running.")
    await vi.advanceTimersByTimeAsync(PULL_POLL_MS * 3)
    expect(fetch.mock.calls.filter((c) => String(c[0]) === '/api/models/pulls')).toHaveLength(0)
  })

  it('polls while a pull runs, then refreshes the checkpoint list once it completes and stops polling', async () => {
    vi.useFakeTimers()
    const h = hub()
    const pulls = usePullsStore()
    await pulls.start({ repo: 'org/model' })
    h.set([pull({ state: 'running', file: 'unet/model.onnx', fileIndex: 2, fileCount: 5, bytesDone: 100, bytesTotal: 400 })])
    await vi.advanceTimersByTimeAsync(PULL_POLL_MS + 10)
    expect(pulls.pulls[0]?.state).toBe('running')
    expect(pullPercent(pulls.pulls[0]!)).toBe(25)
    expect(h.calls('/api/models/refresh', 'POST')).toBe(0)

    h.set([pull({ state: 'completed', bytesDone: 400, bytesTotal: 400, finishedAt: '2025-01-01T00:01:00Z' })])
    await vi.advanceTimersByTimeAsync(PULL_POLL_MS + 10)
    expect(pulls.pulls[0]?.state).toBe('completed')
    expect(h.calls('/api/models/refresh', 'POST')).toBe(1)
    expect(useModelsStore().models.map((m) => m.name)).toEqual(['model'])
    expect(notifier.message).toHaveBeenCalledWith('success', 'Model downloaded: model')

    const polled = h.calls('/api/models/pulls')
    await vi.advanceTimersByTimeAsync(PULL_POLL_MS * 5)
    expect(h.calls('/api/models/pulls')).toBe(polled)
    expect(h.calls('/api/models/refresh', 'POST')).toBe(1)
  })

  it('announces a failed pull with its error and leaves the checkpoint list alone', async () => {
    vi.useFakeTimers()
    const h = hub()
    const pulls = usePullsStore()
    await pulls.start({ repo: 'org/model' })
    h.set([pull({ state: 'failed', error: 'listing org/model: HTTP 404 (repo or revision not found)' })])
    await vi.advanceTimersByTimeAsync(PULL_POLL_MS + 10)
    expect(notifier.notification).toHaveBeenCalledWith('error', 'Download failed: model', 'listing org/model: HTTP 404 (repo or revision not found)')
    expect(h.calls('/api/models/refresh', 'POST')).toBe(0)
  })

  it('does not announce pulls that had finished before the page opened, and does not poll for them', async () => {
    vi.useFakeTimers()
    const h = hub([pull({ state: 'completed' }), pull({ id: 'p0', state: 'failed', error: 'x' })])
    const pulls = usePullsStore()
    expect(await pulls.load()).toBe(true)
    expect(pulls.available).toBe(true)
    expect(pulls.pulls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(PULL_POLL_MS * 3)
    expect(h.calls('/api/models/pulls')).toBe(1)
    expect(notifier.message).not.toHaveBeenCalled()
    expect(notifier.notification).not.toHaveBeenCalled()
  })

  it('keeps watching a pull started while a list request was in flight', async () => {
    const pulls = usePullsStore()
    pulls.watched = ['p1']
    expect(pulls.apply([])).toEqual([])
    expect(pulls.watched).toEqual(['p1'])
    expect(pulls.apply([pull({ state: 'completed' })]).map((p) => p.id)).toEqual(['p1'])
    expect(pulls.watched).toEqual([])
    // One that never shows up (the server restarted) is forgotten after a few lists.
    pulls.watched = ['gone']
    for (let i = 0; i < 5; i++) pulls.apply([])
    expect(pulls.watched).toEqual([])
  })

  it('marks the panel unavailable on a server without the endpoint', async () => {
    mockFetch([])
    const pulls = usePullsStore()
    expect(await pulls.load()).toBe(false)
    expect(pulls.available).toBe(false)
  })
})

describe('model pull panel', () => {
  it('checks the repo id, starts a pull and shows its progress and error', async () => {
    const h = hub([pull({ id: 'old', name: 'broken', state: 'failed', error: 'unet/model.onnx: HTTP 401' })])
    const wrapper = mount(ModelPullPanel, { global: { plugins: [i18n] }, attachTo: document.body })
    await flushPromises()
    const items = () => wrapper.findAll('[data-testid="pull-item"]')
    expect(items()).toHaveLength(1)
    expect(items()[0]!.attributes('data-state')).toBe('failed')
    expect(wrapper.find('[data-testid="pull-error"]').text()).toBe('unet/model.onnx: HTTP 401')

    const repo = wrapper.find('input[data-testid="pull-repo"]')
    await repo.setValue('not a repo')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('Enter a repo id as owner/name')
    expect(h.calls('/api/models/pull', 'POST')).toBe(0)

    await repo.setValue('org/model')
    await wrapper.find('input[data-testid="pull-name"]').setValue('model')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(h.posted()).toEqual({ repo: 'org/model', name: 'model' })
    expect(items()).toHaveLength(2)
    expect(items()[0]!.attributes('data-state')).toBe('queued')
    expect((repo.element as HTMLInputElement).value).toBe('')

    const pulls = usePullsStore()
    pulls.apply([pull({ state: 'running', bytesDone: 1536, bytesTotal: 3072, bytesPerSecond: 1024, etaSeconds: 2, file: 'unet/weights.pb', fileIndex: 3, fileCount: 9 })])
    await flushPromises()
    expect(wrapper.find('[data-testid="pull-bytes"]').text()).toBe('1.5 KB / 3.0 KB (50%)')
    expect(wrapper.find('[data-testid="pull-speed"]').text()).toBe('1.0 KB/s, 0:02 left')
    expect(wrapper.text()).toContain('File 3/9: unet/weights.pb')
    wrapper.unmount()
  })
})
