import { defineStore } from 'pinia'
import type { FieldErrors } from '../api/http'
import type { AppSettings, GenerationRequest, JobMode } from '../api/types'
import { DEFAULT_SAMPLER, DEFAULT_SCHEDULER } from '../utils/constants'
import type { InfotextFields } from '../utils/infotext'
import { useModelsStore } from './models'

export interface GenParams {
  prompt: string
  negativePrompt: string
  sampler: string
  scheduler: string
  steps: number
  cfgScale: number
  width: number
  height: number
  seed: number
  extra: boolean
  subseed: number
  subseedStrength: number
  seedResizeFromW: number
  seedResizeFromH: number
  batchCount: number
  batchSize: number
  clipSkip: number
  enableHr: boolean
  hrUpscaler: string
  hrSteps: number
  hrDenoisingStrength: number
  hrScale: number
  hrResizeX: number
  hrResizeY: number
  /** Hires pass sampler; '' = "Use same sampler". */
  hrSampler: string
  /** Hires pass prompt; '' = same as the first pass. */
  hrPrompt: string
  /** Hires pass negative prompt; '' = same as the first pass. */
  hrNegativePrompt: string
}

export type ResizeMode = 0 | 1 | 2 | 3
export type InpaintFill = 0 | 1 | 2 | 3

export interface Img2ImgInput {
  initImage: string | null
  initWidth: number
  initHeight: number
  /** Black/white mask PNG data URL of the init image's size; null = nothing painted. */
  mask: string | null
  resizeMode: ResizeMode
  denoisingStrength: number
  maskBlur: number
  inpaintingFill: InpaintFill
  inpaintFullRes: boolean
  inpaintPadding: number
  maskInvert: 0 | 1
}

export function defaultParams(s?: Partial<AppSettings>): GenParams {
  return {
    prompt: '',
    negativePrompt: '',
    sampler: s?.defaultSampler ?? DEFAULT_SAMPLER,
    scheduler: s?.defaultScheduler ?? DEFAULT_SCHEDULER,
    steps: s?.defaultSteps ?? 20,
    cfgScale: s?.defaultCfgScale ?? 7,
    width: s?.defaultWidth ?? 512,
    height: s?.defaultHeight ?? 512,
    seed: -1,
    extra: false,
    subseed: -1,
    subseedStrength: 0,
    seedResizeFromW: 0,
    seedResizeFromH: 0,
    batchCount: 1,
    batchSize: 1,
    clipSkip: 1,
    enableHr: false,
    hrUpscaler: 'Latent',
    hrSteps: 0,
    hrDenoisingStrength: 0.7,
    hrScale: 2,
    hrResizeX: 0,
    hrResizeY: 0,
    hrSampler: '',
    hrPrompt: '',
    hrNegativePrompt: '',
  }
}

export function defaultImg2Img(): Img2ImgInput {
  return {
    initImage: null,
    initWidth: 0,
    initHeight: 0,
    mask: null,
    resizeMode: 0,
    denoisingStrength: 0.75,
    maskBlur: 4,
    inpaintingFill: 1,
    inpaintFullRes: false,
    inpaintPadding: 32,
    maskInvert: 0,
  }
}

/** Applies parsed infotext fields onto generation params (only fields present). */
export function applyFields(target: GenParams, f: Partial<InfotextFields>, schedulerName: (s: string) => string = (s) => s): void {
  if (f.prompt !== undefined) target.prompt = f.prompt
  if (f.negativePrompt !== undefined) target.negativePrompt = f.negativePrompt
  if (f.steps !== undefined) target.steps = f.steps
  if (f.sampler !== undefined) target.sampler = f.sampler
  target.scheduler = f.scheduler !== undefined ? schedulerName(f.scheduler) : DEFAULT_SCHEDULER
  if (f.cfgScale !== undefined) target.cfgScale = f.cfgScale
  if (f.seed !== undefined) target.seed = f.seed
  if (f.width !== undefined) target.width = f.width
  if (f.height !== undefined) target.height = f.height
  target.clipSkip = f.clipSkip ?? 1
  if (f.subseedStrength !== undefined && f.subseedStrength > 0) {
    target.extra = true
    target.subseed = f.subseed ?? -1
    target.subseedStrength = f.subseedStrength
    target.seedResizeFromW = f.seedResizeFromW ?? 0
    target.seedResizeFromH = f.seedResizeFromH ?? 0
  } else {
    target.extra = false
    target.subseedStrength = 0
  }
  target.enableHr = f.enableHr ?? false
  if (f.enableHr) {
    if (f.hrScale !== undefined) target.hrScale = f.hrScale
    if (f.hrUpscaler !== undefined) target.hrUpscaler = f.hrUpscaler
    target.hrSteps = f.hrSteps ?? 0
    target.hrResizeX = f.hrResizeX ?? 0
    target.hrResizeY = f.hrResizeY ?? 0
    if (f.hrDenoisingStrength !== undefined) target.hrDenoisingStrength = f.hrDenoisingStrength
  }
  // A1111 writes these only when they differ from the first pass; absent = "same as first pass".
  target.hrSampler = f.enableHr ? (f.hrSampler ?? '') : ''
  target.hrPrompt = f.enableHr ? (f.hrPrompt ?? '') : ''
  target.hrNegativePrompt = f.enableHr ? (f.hrNegativePrompt ?? '') : ''
  if (f.batchSize !== undefined) target.batchSize = f.batchSize
}

/** Maps request field names (snake_case) to the form field that shows the error. */
export const FIELD_FOR_REQUEST_KEY: Record<string, keyof GenParams | keyof Img2ImgInput> = {
  prompt: 'prompt',
  negative_prompt: 'negativePrompt',
  sampler_name: 'sampler',
  scheduler: 'scheduler',
  steps: 'steps',
  cfg_scale: 'cfgScale',
  width: 'width',
  height: 'height',
  seed: 'seed',
  subseed: 'subseed',
  subseed_strength: 'subseedStrength',
  batch_size: 'batchSize',
  n_iter: 'batchCount',
  clip_skip: 'clipSkip',
  hr_scale: 'hrScale',
  hr_upscaler: 'hrUpscaler',
  hr_second_pass_steps: 'hrSteps',
  hr_resize_x: 'hrResizeX',
  hr_resize_y: 'hrResizeY',
  hr_sampler_name: 'hrSampler',
  hr_prompt: 'hrPrompt',
  hr_negative_prompt: 'hrNegativePrompt',
  denoising_strength: 'denoisingStrength',
  init_images: 'initImage',
  mask: 'mask',
  mask_blur: 'maskBlur',
  inpaint_full_res_padding: 'inpaintPadding',
}

export function normalizeFieldErrors(errors: FieldErrors | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (!errors) return out
  for (const [key, msgs] of Object.entries(errors)) {
    const k = key.replace(/^\$\./, '').replace(/^body\./, '')
    const snake = k.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
    const field = FIELD_FOR_REQUEST_KEY[k] ?? FIELD_FOR_REQUEST_KEY[snake] ?? k
    out[field] = msgs.join(' ')
  }
  return out
}

export const useParamsStore = defineStore('params', {
  state: () => ({
    txt2img: defaultParams(),
    img2img: defaultParams(),
    i2i: defaultImg2Img(),
    /** 'img2img' sub-tab uses no mask; 'inpaint' sends the painted mask. */
    inpaint: false,
    errors: { txt2img: {}, img2img: {} } as Record<JobMode, Record<string, string>>,
  }),
  actions: {
    applyDefaults(s: Partial<AppSettings>, mode: JobMode | 'both' = 'both'): void {
      const d = defaultParams(s)
      const apply = (p: GenParams) => {
        p.sampler = d.sampler
        p.scheduler = d.scheduler
        p.steps = d.steps
        p.cfgScale = d.cfgScale
        p.width = d.width
        p.height = d.height
      }
      if (mode !== 'img2img') apply(this.txt2img)
      if (mode !== 'txt2img') apply(this.img2img)
    },
    applyInfotext(mode: JobMode, fields: Partial<InfotextFields>): void {
      const models = useModelsStore()
      applyFields(this[mode], fields, (s) => models.schedulerName(s))
      void models.selectFromInfotext(fields)
      if (mode === 'img2img' && fields.denoisingStrength !== undefined && !fields.enableHr) {
        this.i2i.denoisingStrength = fields.denoisingStrength
      }
      if (mode === 'img2img' && fields.maskBlur !== undefined) this.i2i.maskBlur = fields.maskBlur
      this.errors[mode] = {}
    },
    copyParams(from: JobMode, to: JobMode): void {
      this[to] = { ...this[from] }
    },
    setInitImage(dataUrl: string | null, width = 0, height = 0): void {
      this.i2i.initImage = dataUrl
      this.i2i.initWidth = width
      this.i2i.initHeight = height
      this.i2i.mask = null
      if (dataUrl && width > 0 && height > 0) {
        this.img2img.width = Math.min(2048, Math.max(64, Math.round(width / 8) * 8))
        this.img2img.height = Math.min(2048, Math.max(64, Math.round(height / 8) * 8))
      }
    },
    swapSize(mode: JobMode): void {
      const p = this[mode]
      ;[p.width, p.height] = [p.height, p.width]
    },
    setErrors(mode: JobMode, errors: Record<string, string>): void {
      this.errors[mode] = errors
    },
    buildRequest(mode: JobMode): GenerationRequest {
      const p = this[mode]
      const models = useModelsStore()
      const body: GenerationRequest = {
        mode,
        prompt: p.prompt,
        negative_prompt: p.negativePrompt,
        sampler_name: p.sampler,
        scheduler: p.scheduler,
        steps: p.steps,
        cfg_scale: p.cfgScale,
        width: p.width,
        height: p.height,
        seed: p.seed,
        subseed: p.extra ? p.subseed : -1,
        subseed_strength: p.extra ? p.subseedStrength : 0,
        seed_resize_from_w: p.extra ? p.seedResizeFromW : 0,
        seed_resize_from_h: p.extra ? p.seedResizeFromH : 0,
        batch_size: p.batchSize,
        n_iter: p.batchCount,
      }
      if (p.clipSkip > 1) body.clip_skip = p.clipSkip
      if (models.current) body.model = models.current
      if (mode === 'txt2img') {
        body.enable_hr = p.enableHr
        if (p.enableHr) {
          body.hr_scale = p.hrScale
          body.hr_upscaler = p.hrUpscaler
          body.hr_second_pass_steps = p.hrSteps
          body.hr_resize_x = p.hrResizeX
          body.hr_resize_y = p.hrResizeY
          body.denoising_strength = p.hrDenoisingStrength
          if (p.hrSampler) body.hr_sampler_name = p.hrSampler
          if (p.hrPrompt.trim()) body.hr_prompt = p.hrPrompt
          if (p.hrNegativePrompt.trim()) body.hr_negative_prompt = p.hrNegativePrompt
        }
      } else {
        const i = this.i2i
        body.init_images = i.initImage ? [i.initImage] : []
        body.resize_mode = i.resizeMode
        body.denoising_strength = i.denoisingStrength
        if (this.inpaint && i.mask) {
          body.mask = i.mask
          body.mask_blur = i.maskBlur
          body.inpainting_fill = i.inpaintingFill
          body.inpaint_full_res = i.inpaintFullRes
          body.inpaint_full_res_padding = i.inpaintPadding
          body.inpainting_mask_invert = i.maskInvert
        }
      }
      return body
    },
  },
})
