import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import ProgressBar from '../src/components/ProgressBar.vue'
import { i18n } from '../src/i18n'
import { useSettingsStore, SETTINGS_KEY, DEFAULT_SETTINGS } from '../src/stores/settings'
import { useParamsStore, normalizeFieldErrors } from '../src/stores/params'
import { useModelsStore } from '../src/stores/models'
import { useJobsStore, setProgressHub, POLL_INTERVAL_MS } from '../src/stores/jobs'
import { useGalleryStore } from '../src/stores/gallery'
import { setNotifier, type Notifier } from '../src/utils/notify'
import { parseInfotext } from '../src/utils/infotext'
import { bodyOf, mockFetch } from './helpers'

let notifier: { message: ReturnType<typeof vi.fn>; notification: ReturnType<typeof vi.fn> }

beforeEach(() => {
  setActivePinia(createPinia())
  localStorage.clear()
  notifier = { message: vi.fn(), notification: vi.fn() }
  setNotifier(notifier as unknown as Notifier)
  vi.spyOn(console, 'debug').mockImplementation(() => {})
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
  vi.restoreAllMocks()
  setProgressHub(null)
  setNotifier(null)
})

describe('settings store', () => {
  it('uses defaults and persists changes locally', () => {
    const s = useSettingsStore()
    s.loadLocal()
    expect(s.settings).toEqual(DEFAULT_SETTINGS)
    s.setLanguage('zh-CN')
    expect(JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}').language).toBe('zh-CN')
    expect(s.locale).toBe('zh-CN')
  })

  it('reads saved settings and ignores garbage', () => {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify({ defaultSteps: 33, theme: 'dark', language: 'xx', bogus: 1 }))
    const s = useSettingsStore()
    s.loadLocal()
    expect(s.settings.defaultSteps).toBe(33)
    expect(s.isDark).toBe(true)
    expect(s.settings.language).toBe('auto')
  })

  it('merges server settings but keeps explicit local language', async () => {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify({ language: 'en' }))
    mockFetch([{ url: '/api/settings', body: { defaultSteps: 40, language: 'zh-CN', saveImages: false } }]) // an old server key is ignored
    const s = useSettingsStore()
    s.loadLocal()
    await s.loadServer()
    expect(s.serverAvailable).toBe(true)
    expect(s.settings.defaultSteps).toBe(40)
    expect('saveImages' in s.settings).toBe(false)
    expect(s.settings.language).toBe('en')
  })

  it('works without the server endpoint', async () => {
    mockFetch([])
    const s = useSettingsStore()
    s.loadLocal()
    await s.loadServer()
    expect(s.serverAvailable).toBe(false)
    s.update({ defaultSteps: 12 })
    expect(await s.save()).toBe(false)
    expect(JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}').defaultSteps).toBe(12)
  })

  it('PUTs settings to the server', async () => {
    const fetch = mockFetch([{ method: 'PUT', url: '/api/settings', body: { defaultSteps: 25 } }])
    const s = useSettingsStore()
    s.update({ defaultSteps: 25 })
    expect(await s.save()).toBe(true)
    expect(bodyOf(fetch, '/api/settings')).toMatchObject({ defaultSteps: 25 })
  })
})

describe('params store', () => {
  it('builds an A1111 txt2img request', () => {
    const p = useParamsStore()
    Object.assign(p.txt2img, { prompt: 'cat', negativePrompt: 'dog', steps: 30, cfgScale: 6.5, seed: 5, batchCount: 2, batchSize: 3 })
    p.txt2img.enableHr = true
    p.txt2img.hrScale = 1.5
    const body = p.buildRequest('txt2img')
    expect(body).toMatchObject({
      mode: 'txt2img',
      prompt: 'cat',
      negative_prompt: 'dog',
      sampler_name: 'DPM++ 2M',
      scheduler: 'automatic',
      steps: 30,
      cfg_scale: 6.5,
      width: 512,
      height: 512,
      seed: 5,
      subseed: -1,
      subseed_strength: 0,
      n_iter: 2,
      batch_size: 3,
      enable_hr: true,
      hr_scale: 1.5,
      hr_upscaler: 'Latent',
      denoising_strength: 0.7,
    })
    expect(body.init_images).toBeUndefined()
  })

  it('sends variation seed only when Extra is checked', () => {
    const p = useParamsStore()
    p.txt2img.subseed = 9
    p.txt2img.subseedStrength = 0.4
    expect(p.buildRequest('txt2img').subseed_strength).toBe(0)
    p.txt2img.extra = true
    expect(p.buildRequest('txt2img')).toMatchObject({ subseed: 9, subseed_strength: 0.4 })
  })

  it('builds img2img and inpaint requests', () => {
    const p = useParamsStore()
    p.setInitImage('data:image/png;base64,AAA', 600, 400)
    expect(p.img2img.width).toBe(600)
    expect(p.img2img.height).toBe(400)
    p.i2i.mask = 'data:image/png;base64,MASK'
    let body = p.buildRequest('img2img')
    expect(body.init_images).toEqual(['data:image/png;base64,AAA'])
    expect(body.denoising_strength).toBe(0.75)
    expect(body.mask).toBeUndefined()
    p.inpaint = true
    body = p.buildRequest('img2img')
    expect(body).toMatchObject({
      mask: 'data:image/png;base64,MASK',
      mask_blur: 4,
      inpainting_fill: 1,
      inpaint_full_res: false,
      inpaint_full_res_padding: 32,
      inpainting_mask_invert: 0,
      resize_mode: 0,
    })
  })

  it('applies infotext fields (send to txt2img)', () => {
    const p = useParamsStore()
    const { fields } = parseInfotext(
      'a cat\nNegative prompt: ugly\nSteps: 33, Sampler: Euler a, Schedule type: Karras, CFG scale: 4.5, Seed: 77, Size: 640x384, Clip skip: 2, Hires upscale: 2, Hires upscaler: Latent, Denoising strength: 0.5',
    )
    p.applyInfotext('txt2img', fields)
    expect(p.txt2img).toMatchObject({
      prompt: 'a cat',
      negativePrompt: 'ugly',
      steps: 33,
      sampler: 'Euler a',
      scheduler: 'karras',
      cfgScale: 4.5,
      seed: 77,
      width: 640,
      height: 384,
      clipSkip: 2,
      enableHr: true,
      hrScale: 2,
      hrDenoisingStrength: 0.5,
    })
  })

  it('applies settings defaults and swaps size', () => {
    const p = useParamsStore()
    p.applyDefaults({ defaultSteps: 9, defaultWidth: 768, defaultHeight: 512, defaultSampler: 'Euler', defaultCfgScale: 3 })
    expect(p.txt2img).toMatchObject({ steps: 9, width: 768, height: 512, sampler: 'Euler', cfgScale: 3 })
    p.swapSize('txt2img')
    expect(p.txt2img.width).toBe(512)
    expect(p.txt2img.height).toBe(768)
  })

  it('maps server field errors to form fields', () => {
    expect(normalizeFieldErrors({ steps: ['bad'], cfg_scale: ['x', 'y'], Width: ['w'] })).toEqual({
      steps: 'bad',
      cfgScale: 'x y',
      width: 'w',
    })
  })
})

describe('models store', () => {
  it('loads models and falls back to built-in samplers', async () => {
    mockFetch([
      {
        url: '/api/models',
        body: {
          models: [
            { name: 'a', hash: '0123456789', error: null },
            { name: 'b', hash: null, error: 'missing unet' },
          ],
          current: 'a',
        },
      },
    ])
    const m = useModelsStore()
    expect(await m.load()).toBe(true)
    expect(m.current).toBe('a')
    expect(m.errors.map((e) => e.name)).toEqual(['b'])
    await m.loadSamplers()
    expect(m.samplersFromServer).toBe(false)
    expect(m.samplers).toContain('DPM++ 2M')
    expect(m.samplers).toHaveLength(18)
    expect(m.schedulers.map((s) => s.label)).toContain('Align Your Steps')
  })

  it('uses the server sampler list and selects a model', async () => {
    const fetch = mockFetch([
      { url: '/api/samplers', body: [{ name: 'Euler a', aliases: [] }] },
      { url: '/api/schedulers', body: [{ name: 'automatic', label: 'Automatic' }] },
      { method: 'POST', url: '/api/models/select', body: {} },
    ])
    const m = useModelsStore()
    await m.loadSamplers()
    expect(m.samplers).toEqual(['Euler a'])
    const res = await m.select('x')
    expect(res.ok).toBe(true)
    expect(m.current).toBe('x')
    expect(bodyOf(fetch, '/api/models/select')).toEqual({ name: 'x' })
  })

  it('keeps the previous model when select fails', async () => {
    mockFetch([])
    const m = useModelsStore()
    m.current = 'old'
    expect((await m.select('new')).ok).toBe(false)
    expect(m.current).toBe('old')
    expect(await m.load()).toBe(false)
    expect(m.available).toBe(false)
  })
})

describe('jobs store', () => {
  const hub = { subscribeJob: vi.fn(async () => true) }
  beforeEach(() => {
    hub.subscribeJob.mockClear()
    setProgressHub(hub)
  })

  it('submits, subscribes, follows hub events and finishes', async () => {
    const fetch = mockFetch([
      { method: 'POST', url: '/api/jobs', status: 202, body: { id: 'j1', position: 0 } },
      { url: /\/api\/jobs\?/, body: { items: [], total: 0 } },
    ])
    const jobs = useJobsStore()
    useParamsStore().txt2img.prompt = 'cat'
    expect(await jobs.submit('txt2img')).toBe(true)
    expect(bodyOf(fetch, '/api/jobs')).toMatchObject({ mode: 'txt2img', prompt: 'cat' })
    expect(hub.subscribeJob).toHaveBeenCalledWith('j1')
    expect(jobs.running('txt2img')).toBe(true)

    jobs.onStarted({ jobId: 'j1', totalSteps: 20, imageCount: 1 })
    jobs.onStep({ jobId: 'j1', step: 5, totalSteps: 20, imageIndex: 0, etaSeconds: 3, preview: 'data:image/png;base64,P' })
    const a = jobs.active.txt2img
    expect(a?.state).toBe('running')
    expect(a?.step).toBe(5)
    expect(a?.preview).toBe('data:image/png;base64,P')
    jobs.onImageSaved({ jobId: 'j1', imageId: 'img1', seed: 1234, index: 0 })
    expect(jobs.results.txt2img).toHaveLength(1)
    expect(jobs.results.txt2img[0].url).toBe('/api/images/img1')
    expect(jobs.results.txt2img[0].infotext).toContain('Seed: 1234')
    expect(jobs.lastSeed.txt2img).toBe(1234)
    await jobs.finish('j1', 'done', null, ['img1'])
    expect(jobs.running('txt2img')).toBe(false)
    expect(jobs.results.txt2img).toHaveLength(1)
    expect(jobs.active.txt2img?.step).toBe(20)
  })

  it('replays hub events that arrived before the POST returned the job id', async () => {
    mockFetch([
      { method: 'POST', url: '/api/jobs', status: 202, body: { id: 'early1', position: 0 } },
      { url: /\/api\/jobs\?/, body: { items: [], total: 0 } },
    ])
    const jobs = useJobsStore()
    useParamsStore().txt2img.prompt = 'fast'
    // A fast job: the hub reports it before the page knows its id.
    jobs.onStarted({ jobId: 'early1', totalSteps: 4, imageCount: 1 })
    jobs.onStep({ jobId: 'early1', step: 2, totalSteps: 4, imageIndex: 0, etaSeconds: 1, preview: 'data:image/png;base64,Q' })
    jobs.onImageSaved({ jobId: 'early1', imageId: 'imgE', seed: 7, index: 0 })
    jobs.onStep({ jobId: 'someone-else', step: 1, totalSteps: 9, imageIndex: 0, preview: null })
    expect(jobs.active.txt2img).toBeNull()

    expect(await jobs.submit('txt2img')).toBe(true)

    const a = jobs.active.txt2img
    expect(a?.state).toBe('running')
    expect(a?.step).toBe(2)
    expect(a?.preview).toBe('data:image/png;base64,Q')
    expect(jobs.results.txt2img.map((r) => r.id)).toEqual(['imgE'])
  })

  it('follows repeated queued events: the position and the progress text move up until the job starts', async () => {
    mockFetch([
      { method: 'POST', url: '/api/jobs', status: 202, body: { id: 'jq', position: 2 } },
      { url: /\/api\/jobs\?/, body: { items: [], total: 0 } },
    ])
    const jobs = useJobsStore()
    expect(await jobs.submit('txt2img')).toBe(true)
    const bar = mount(ProgressBar, { props: { job: jobs.active.txt2img, submitting: false }, global: { plugins: [i18n] } })
    const text = () => bar.find('[data-testid="progress-text"]').text()
    expect(jobs.active.txt2img?.position).toBe(2)
    expect(text()).toBe('Queued: 2 ahead')

    jobs.onQueued({ jobId: 'jq', position: 1 })
    await nextTick()
    expect(jobs.active.txt2img?.position).toBe(1)
    expect(text()).toBe('Queued: 1 ahead')
    jobs.onQueued({ jobId: 'other', position: 7 }) // someone else's job: no effect
    jobs.onQueued({ jobId: 'jq', position: 0 })
    await nextTick()
    expect(jobs.active.txt2img?.position).toBe(0)
    expect(text()).toBe('Queued: 0 ahead')

    jobs.onStarted({ jobId: 'jq', totalSteps: 20, imageCount: 1 })
    jobs.onQueued({ jobId: 'jq', position: 0 }) // a late position never turns a running job back
    await nextTick()
    expect(jobs.active.txt2img?.state).toBe('running')
    expect(jobs.active.txt2img?.position).toBeNull()
    expect(text()).toBe('Step 0/20')
    bar.unmount()
  })

  it('polls GET /api/jobs/{id} as a fallback', async () => {
    vi.useFakeTimers()
    mockFetch([
      { method: 'POST', url: '/api/jobs', status: 202, body: { id: 'j2', position: 1 } },
      { url: '/api/jobs/j2', body: { id: 'j2', mode: 'txt2img', state: 'done', position: null, step: 20, totalSteps: 20, error: null, imageIds: ['i1', 'i2'] } },
    ])
    const jobs = useJobsStore()
    await jobs.submit('txt2img')
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS + 10)
    expect(jobs.active.txt2img?.state).toBe('done')
    expect(jobs.results.txt2img.map((r) => r.id)).toEqual(['i1', 'i2'])
  })

  it('shows validation errors from a 400', async () => {
    mockFetch([{ method: 'POST', url: '/api/jobs', status: 400, body: { errors: { steps: ['Steps must be between 1 and 150'] } } }])
    const jobs = useJobsStore()
    expect(await jobs.submit('txt2img')).toBe(false)
    expect(useParamsStore().errors.txt2img.steps).toBe('Steps must be between 1 and 150')
    expect(notifier.notification).toHaveBeenCalledWith('error', expect.any(String), expect.stringContaining('Steps must be'))
  })

  it('shows a friendly notice when the endpoint is missing', async () => {
    mockFetch([])
    const jobs = useJobsStore()
    expect(await jobs.submit('txt2img')).toBe(false)
    expect(notifier.notification).toHaveBeenCalledWith('error', expect.any(String), 'The server does not offer this feature yet.')
    expect(jobs.running('txt2img')).toBe(false)
  })

  it('notifies failures with the server message', async () => {
    mockFetch([
      { method: 'POST', url: '/api/jobs', status: 202, body: { id: 'j3', position: 0 } },
    ])
    const jobs = useJobsStore()
    await jobs.submit('txt2img')
    jobs.onFinished({ jobId: 'j3', state: 'failed', error: 'out of memory', imageIds: [] })
    await Promise.resolve()
    expect(jobs.active.txt2img?.state).toBe('failed')
    expect(notifier.notification).toHaveBeenCalledWith('error', expect.any(String), 'out of memory')
  })

  it('interrupts a running job and cancels a queued one', async () => {
    const fetch = mockFetch([
      { method: 'POST', url: '/api/jobs', status: 202, body: { id: 'j4', position: 0 } },
      { method: 'POST', url: '/api/jobs/j4/cancel', status: 204 },
      { method: 'POST', url: '/api/jobs/j4/interrupt', status: 204 },
    ])
    const jobs = useJobsStore()
    await jobs.submit('txt2img')
    await jobs.interrupt('txt2img')
    expect(fetch.mock.calls.some((c) => String(c[0]) === '/api/jobs/j4/cancel')).toBe(true)
    jobs.onStarted({ jobId: 'j4', totalSteps: 20, imageCount: 1 })
    await jobs.interrupt('txt2img')
    expect(fetch.mock.calls.some((c) => String(c[0]) === '/api/jobs/j4/interrupt')).toBe(true)
  })

  it('requires an init image for img2img', async () => {
    const fetch = mockFetch([])
    const jobs = useJobsStore()
    expect(await jobs.submit('img2img')).toBe(false)
    expect(fetch).not.toHaveBeenCalled()
    expect(useParamsStore().errors.img2img.initImage).toBeTruthy()
  })

  it('loads the queue and tolerates its absence', async () => {
    mockFetch([])
    const jobs = useJobsStore()
    await jobs.loadQueue()
    expect(jobs.queueAvailable).toBe(false)
  })
})

describe('gallery store', () => {
  it('searches, pages and deletes', async () => {
    const fetch = mockFetch([
      { url: /\/api\/images\?/, body: { items: [{ id: 'a' }, { id: 'b' }], total: 120 } },
      { method: 'DELETE', url: '/api/images/a', status: 204 },
    ])
    const g = useGalleryStore()
    await g.search('cat dog')
    expect(String(fetch.mock.calls[0][0])).toBe('/api/images?query=cat%20dog&page=1&pageSize=50')
    expect(g.pageCount).toBe(3)
    await g.goTo(2)
    expect(String(fetch.mock.calls[1][0])).toContain('page=2')
    expect(await g.remove('a')).toBe(true)
    expect(g.items.map((i) => i.id)).toEqual(['b'])
    expect(g.total).toBe(119)
  })

  it('marks the gallery unavailable on 404', async () => {
    mockFetch([])
    const g = useGalleryStore()
    await g.load()
    expect(g.available).toBe(false)
  })
})

describe('hub catch-up state', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  it('brings an active job up to the server state after a reconnect: step, preview, eta, then the end', async () => {
    mockFetch([
      { method: 'POST', url: '/api/jobs', status: 202, body: { id: 'js', position: 0 } },
      { url: /\/api\/jobs\?/, body: { items: [], total: 0 } },
      { url: /\/api\/images\//, status: 404 },
    ])
    const jobs = useJobsStore()
    expect(await jobs.submit('txt2img')).toBe(true)
    jobs.onState({ id: 'js', state: 'running', position: null, step: 12, totalSteps: 40, imageIndex: 1, etaSeconds: 3.5, preview: 'data:image/png;base64,AA==', imageIds: ['img1'] })
    const job = jobs.active.txt2img!
    expect(job.state).toBe('running')
    expect([job.step, job.totalSteps, job.imageIndex, job.etaSeconds, job.preview]).toEqual([12, 40, 1, 3.5, 'data:image/png;base64,AA=='])
    expect(jobs.results.txt2img.map((r) => r.id)).toEqual(['img1'])

    jobs.onState({ id: 'js', state: 'running', position: null, step: 5, totalSteps: 40 }) // an older snapshot never moves back
    expect(job.step).toBe(12)

    jobs.onState({ id: 'js', state: 'done', position: null, step: 40, totalSteps: 40, imageIds: ['img1', 'img2'] })
    await vi.waitFor(() => expect(jobs.active.txt2img?.state).toBe('done'))
    expect(jobs.results.txt2img.map((r) => r.id)).toEqual(['img1', 'img2'])
  })
})
