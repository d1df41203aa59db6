import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { useParamsStore, applyFields, defaultParams, normalizeFieldErrors } from '../src/stores/params'
import { useModelsStore } from '../src/stores/models'
import { useTokenCount } from '../src/composables/useTokenCount'
import { setNotifier, type Notifier } from '../src/utils/notify'
import { formatInfotext, parseInfotext } from '../src/utils/infotext'
import { formatTokenCounter, tokenLimit } from '../src/utils/tokens'
import { bodyOf, mockFetch } from './helpers'

let notifier: { message: ReturnType<typeof vi.fn>; notification: ReturnType<typeof vi.fn> }

beforeEach(() => {
  setActivePinia(createPinia())
  notifier = { message: vi.fn(), notification: vi.fn() }
  setNotifier(notifier as unknown as Notifier)
  vi.spyOn(console, 'debug').mockImplementation(() => {})
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
  vi.restoreAllMocks()
  setNotifier(null)
})

const HIRES_INFOTEXT =
  'a cat, sitting\nNegative prompt: ugly\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 512x512, Model: tiny, Model hash: abcdef0123, ' +
  'Denoising strength: 0.4, Hires upscale: 2, Hires upscaler: Latent, Hires sampler: DPM++ 2M, ' +
  'Hires prompt: "a cat, detailed, sharp", Hires negative prompt: "blurry, bad"'

describe('hires sampler and prompts', () => {
  it('parses the Hires sampler / prompt / negative prompt infotext keys', () => {
    const { fields } = parseInfotext(HIRES_INFOTEXT)
    expect(fields).toMatchObject({
      enableHr: true,
      hrSampler: 'DPM++ 2M',
      hrPrompt: 'a cat, detailed, sharp',
      hrNegativePrompt: 'blurry, bad',
      model: 'tiny',
      modelHash: 'abcdef0123',
    })
  })

  it('applyFields fills them, and clears them when the infotext has none', () => {
    const p = defaultParams()
    applyFields(p, parseInfotext(HIRES_INFOTEXT).fields)
    expect(p).toMatchObject({ enableHr: true, hrSampler: 'DPM++ 2M', hrPrompt: 'a cat, detailed, sharp', hrNegativePrompt: 'blurry, bad' })
    applyFields(p, parseInfotext('a dog\nSteps: 20, Sampler: Euler, Size: 512x512, Hires upscale: 2, Hires upscaler: Latent').fields)
    expect(p).toMatchObject({ enableHr: true, hrSampler: '', hrPrompt: '', hrNegativePrompt: '' })
    p.hrPrompt = 'left over'
    applyFields(p, parseInfotext('a dog\nSteps: 20, Sampler: Euler, Size: 512x512').fields)
    expect(p).toMatchObject({ enableHr: false, hrPrompt: '' })
  })

  it('sends hr_sampler_name / hr_prompt / hr_negative_prompt only when set and hires is on', () => {
    const p = useParamsStore()
    p.txt2img.enableHr = true
    let body = p.buildRequest('txt2img')
    expect(body.hr_sampler_name).toBeUndefined()
    expect(body.hr_prompt).toBeUndefined()
    expect(body.hr_negative_prompt).toBeUndefined()
    p.txt2img.hrSampler = 'DPM++ 2M'
    p.txt2img.hrPrompt = 'sharp'
    p.txt2img.hrNegativePrompt = 'blurry'
    body = p.buildRequest('txt2img')
    expect(body).toMatchObject({ enable_hr: true, hr_sampler_name: 'DPM++ 2M', hr_prompt: 'sharp', hr_negative_prompt: 'blurry' })
    p.txt2img.enableHr = false
    body = p.buildRequest('txt2img')
    expect(body.hr_prompt).toBeUndefined()
    expect(body.hr_sampler_name).toBeUndefined()
  })

  it('formats them back into infotext only when they differ from the first pass', () => {
    const base = { prompt: 'a', negativePrompt: 'n', steps: 20, sampler: 'Euler', scheduler: 'Automatic', cfgScale: 7, seed: 1, width: 512, height: 512 }
    const text = formatInfotext({ ...base, enableHr: true, hrScale: 2, hrUpscaler: 'Latent', hrSampler: 'DPM++ 2M', hrPrompt: 'b, c', hrNegativePrompt: 'n' })
    expect(text).toContain('Hires sampler: DPM++ 2M')
    expect(text).toContain('Hires prompt: "b, c"')
    expect(text).not.toContain('Hires negative prompt')
    expect(parseInfotext(text).fields).toMatchObject({ hrSampler: 'DPM++ 2M', hrPrompt: 'b, c' })
  })

  it('maps server errors on the hires fields', () => {
    expect(normalizeFieldErrors({ hr_sampler_name: ['Unknown sampler'], hr_prompt: ['too long'] })).toEqual({
      hrSampler: 'Unknown sampler',
      hrPrompt: 'too long',
    })
  })
})

describe('model from infotext', () => {
  const MODELS = {
    models: [
      { name: 'tiny', hash: 'abcdef0123', error: null },
      { name: 'other-model', hash: '9876543210', error: null },
      { name: 'broken', hash: '5555555555', error: 'missing unet' },
    ],
    current: 'tiny',
  }

  it('finds a model by name (ignoring case / extension) or by short hash', async () => {
    mockFetch([{ url: '/api/models', body: MODELS }])
    const m = useModelsStore()
    await m.load()
    expect(m.findModel('Other-Model.safetensors', undefined)?.name).toBe('other-model')
    expect(m.findModel('unknown', '9876543210')?.name).toBe('other-model')
    expect(m.findModel(undefined, '9876543210aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')?.name).toBe('other-model')
    expect(m.findModel('broken', '5555555555')).toBeNull()
    expect(m.findModel('nope', 'ffffffffff')).toBeNull()
  })

  it('selects the named checkpoint when pasting infotext', async () => {
    const fetch = mockFetch([
      { url: '/api/models', body: MODELS },
      { method: 'POST', url: '/api/models/select', body: {} },
    ])
    const m = useModelsStore()
    await m.load()
    const p = useParamsStore()
    p.applyInfotext('txt2img', parseInfotext('x\nSteps: 3, Sampler: Euler, Size: 64x64, Model hash: 9876543210, Model: renamed').fields)
    await flushPromises()
    expect(bodyOf(fetch, '/api/models/select')).toEqual({ name: 'other-model' })
    expect(m.current).toBe('other-model')
    expect(p.buildRequest('txt2img').model).toBe('other-model')
  })

  it('keeps the selection and warns, naming the model, when it is unknown', async () => {
    const fetch = mockFetch([{ url: '/api/models', body: MODELS }])
    const m = useModelsStore()
    await m.load()
    const p = useParamsStore()
    p.applyInfotext('txt2img', parseInfotext('x\nSteps: 3, Sampler: Euler, Size: 64x64, Model hash: 0000000000, Model: sd_xl_base_1.0').fields)
    await flushPromises()
    expect(m.current).toBe('tiny')
    expect(fetch.mock.calls.some((c) => String(c[0]).includes('/api/models/select'))).toBe(false)
    expect(notifier.message).toHaveBeenCalledWith('warning', expect.stringContaining('sd_xl_base_1.0'))
  })

  it('does nothing when the model is already selected or the infotext names none', async () => {
    const fetch = mockFetch([{ url: '/api/models', body: MODELS }])
    const m = useModelsStore()
    await m.load()
    expect(await m.selectFromInfotext({ model: 'tiny' })).toBe('same')
    expect(await m.selectFromInfotext({ prompt: 'x' })).toBe('none')
    expect(fetch.mock.calls.some((c) => String(c[0]).includes('/api/models/select'))).toBe(false)
    expect(notifier.message).not.toHaveBeenCalled()
  })
})

describe('token counter chunks', () => {
  it('uses the server chunk count for the limit when known', () => {
    expect(tokenLimit(10, 2)).toBe(150)
    expect(formatTokenCounter(10, 2)).toBe('10/150')
    expect(formatTokenCounter(80, 3)).toBe('80/225')
    expect(formatTokenCounter(0, 0)).toBe('0/75')
    expect(formatTokenCounter(76, null)).toBe('76/150')
    expect(formatTokenCounter(76)).toBe('76/150')
  })

  it('useTokenCount reports the chunks of the server answer (BREAK adds a chunk)', async () => {
    vi.useFakeTimers()
    mockFetch([
      {
        method: 'POST',
        url: '/api/prompt/tokenize',
        body: { tokenCount: 4, chunks: [{ ids: [1], weights: [1] }, { ids: [2], weights: [1] }] },
      },
    ])
    const text = ref('a BREAK b')
    let state: ReturnType<typeof useTokenCount> | null = null
    const C = defineComponent({
      setup() {
        state = useTokenCount(text, 10)
        return () => h('span', formatTokenCounter(state!.count.value, state!.chunks.value))
      },
    })
    const w = mount(C)
    await vi.advanceTimersByTimeAsync(20)
    await flushPromises()
    await nextTick()
    expect(state!.count.value).toBe(4)
    expect(state!.chunks.value).toBe(2)
    expect(w.text()).toBe('4/150')
    w.unmount()
  })
})
