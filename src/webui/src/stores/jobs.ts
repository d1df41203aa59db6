import { defineStore } from 'pinia'
import { api, imageUrl } from '../api/endpoints'
import { SignalRProgressHub, type HubHandlers, type LiveState, type ProgressHub } from '../api/hub'
import type { ApiFailure } from '../api/http'
import {
  TERMINAL_STATES,
  type FinishedEvent,
  type GenerationRequest,
  type ImageSavedEvent,
  type JobInfo,
  type JobMode,
  type JobState,
  type JobStateEvent,
  type QueuedEvent,
  type StartedEvent,
  type StepEvent,
} from '../api/types'
import { t } from '../i18n'
import { formatInfotext } from '../utils/infotext'
import { log } from '../utils/logger'
import { notify } from '../utils/notify'
import { readPngText } from '../utils/png'
import { normalizeFieldErrors, useParamsStore } from './params'

export interface ResultImage {
  id: string
  url: string
  seed: number | null
  infotext: string
}

export interface ActiveJob {
  id: string
  mode: JobMode
  state: JobState
  position: number | null
  step: number
  totalSteps: number
  imageIndex: number
  imageCount: number
  etaSeconds: number | null
  preview: string | null
  error: string | null
  imageIds: string[]
  request: GenerationRequest
}

export const POLL_INTERVAL_MS = 1000

const timers = new Map<string, ReturnType<typeof setTimeout>>()
let hub: ProgressHub | null = null

/** Test hook: replace the SignalR hub. */
export function setProgressHub(h: ProgressHub | null): void {
  hub = h
}

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state)
}

/** Error text for a failed API call, friendly when the server lacks the endpoint. */
export function failureText(f: ApiFailure): string {
  if (f.kind === 'network') return t('app.networkError')
  if (f.kind === 'notFound') return t('app.serverUnavailable')
  return f.message
}

function infotextFor(req: GenerationRequest, seed: number | null): string {
  return formatInfotext({
    prompt: req.prompt,
    negativePrompt: req.negative_prompt,
    steps: req.steps,
    sampler: req.sampler_name,
    scheduler: req.scheduler,
    cfgScale: req.cfg_scale,
    seed: seed ?? req.seed,
    width: req.width,
    height: req.height,
    model: req.model,
    denoisingStrength: req.denoising_strength,
    subseed: req.subseed,
    subseedStrength: req.subseed_strength,
    seedResizeFromW: req.seed_resize_from_w,
    seedResizeFromH: req.seed_resize_from_h,
    clipSkip: req.clip_skip,
    enableHr: req.enable_hr,
    hrScale: req.hr_scale,
    hrUpscaler: req.hr_upscaler,
    hrSteps: req.hr_second_pass_steps,
    hrResizeX: req.hr_resize_x,
    hrResizeY: req.hr_resize_y,
    hrSampler: req.hr_sampler_name,
    hrPrompt: req.hr_prompt,
    hrNegativePrompt: req.hr_negative_prompt,
  })
}

/**
 * Hub events for a job id the page does not know yet: a fast job can start (even finish) before its POST returns.
 * They are replayed, in order, once the id is known. Bounded: the oldest ids are dropped.
 */
const early = new Map<string, Array<() => void>>()
const EARLY_JOBS = 16
const EARLY_EVENTS = 256

function remember(jobId: string, replay: () => void): void {
  let list = early.get(jobId)
  if (!list) {
    if (early.size >= EARLY_JOBS) early.delete(early.keys().next().value as string)
    list = []
    early.set(jobId, list)
  }
  if (list.length < EARLY_EVENTS) list.push(replay)
}

export const useJobsStore = defineStore('jobs', {
  state: () => ({
    active: { txt2img: null, img2img: null } as Record<JobMode, ActiveJob | null>,
    submitting: { txt2img: false, img2img: false } as Record<JobMode, boolean>,
    results: { txt2img: [], img2img: [] } as Record<JobMode, ResultImage[]>,
    selected: { txt2img: 0, img2img: 0 } as Record<JobMode, number>,
    lastSeed: { txt2img: null, img2img: null } as Record<JobMode, number | null>,
    myJobs: [] as JobInfo[],
    queueAvailable: null as boolean | null,
    live: 'connecting' as LiveState,
  }),
  getters: {
    running: (state) => (mode: JobMode): boolean => {
      const a = state.active[mode]
      return state.submitting[mode] || (!!a && !isTerminal(a.state))
    },
    selectedImage: (state) => (mode: JobMode): ResultImage | null => state.results[mode][state.selected[mode]] ?? null,
  },
  actions: {
    hub(): ProgressHub {
      if (!hub) {
        const handlers: HubHandlers = {
          queued: (e) => this.onQueued(e),
          started: (e) => this.onStarted(e),
          step: (e) => this.onStep(e),
          imageSaved: (e) => this.onImageSaved(e),
          finished: (e) => this.onFinished(e),
          state: (e) => this.onState(e),
          reconnected: () => this.resubscribe(),
          connection: (state) => {
            this.live = state
          },
        }
        hub = new SignalRProgressHub(handlers)
      }
      return hub
    },
    /** Connects the progress hub early (at start-up) so a fast job's first steps are shown live. */
    async connectHub(): Promise<boolean> {
      return (await this.hub().connect?.()) ?? false
    },
    findActive(jobId: string): ActiveJob | null {
      for (const mode of ['txt2img', 'img2img'] as const) {
        const a = this.active[mode]
        if (a && a.id === jobId) return a
      }
      return null
    },

    async submit(mode: JobMode): Promise<boolean> {
      if (this.running(mode)) return false
      const params = useParamsStore()
      if (mode === 'img2img' && !params.i2i.initImage) {
        params.setErrors(mode, { initImage: t('img2img.noImage') })
        notify.warning(t('img2img.noImage'))
        return false
      }
      const request = params.buildRequest(mode)
      this.submitting[mode] = true
      params.setErrors(mode, {})
      try {
        const res = await api.createJob(request)
        if (!res.ok) {
          if (res.status === 400 && res.fieldErrors) {
            params.setErrors(mode, normalizeFieldErrors(res.fieldErrors))
            notify.error(t('progress.validationFailed'), res.message)
          } else if (res.status === 429) {
            notify.error(t('progress.generationFailed'), t('progress.tooManyRequests', { seconds: res.retryAfter ?? 5 }))
          } else {
            notify.error(t('progress.generationFailed'), failureText(res))
          }
          return false
        }
        const job: ActiveJob = {
          id: res.data.id,
          mode,
          state: 'queued',
          position: res.data.position ?? null,
          step: 0,
          totalSteps: request.steps,
          imageIndex: 0,
          imageCount: request.batch_size * request.n_iter,
          etaSeconds: null,
          preview: null,
          error: null,
          imageIds: [],
          request,
        }
        this.active[mode] = job
        this.results[mode] = []
        this.selected[mode] = 0
        const missed = early.get(job.id)
        early.delete(job.id)
        for (const replay of missed ?? []) replay()
        void this.hub().subscribeJob(job.id)
        this.schedulePoll(job.id)
        void this.loadQueue()
        return true
      } finally {
        this.submitting[mode] = false
      }
    },

    schedulePoll(jobId: string): void {
      const existing = timers.get(jobId)
      if (existing) clearTimeout(existing)
      timers.set(
        jobId,
        setTimeout(() => {
          timers.delete(jobId)
          void this.poll(jobId)
        }, POLL_INTERVAL_MS),
      )
    },

    async poll(jobId: string): Promise<void> {
      const job = this.findActive(jobId)
      if (!job || isTerminal(job.state)) return
      const res = await api.job(jobId)
      const current = this.findActive(jobId)
      if (!current || isTerminal(current.state)) return
      if (res.ok && res.data) {
        const info = res.data
        current.position = info.position ?? null
        if (info.state === 'running' && current.state === 'queued') current.state = 'running'
        if (info.totalSteps > 0) current.totalSteps = info.totalSteps
        if (info.step > current.step || info.state !== current.state) current.step = Math.max(current.step, info.step ?? 0)
        for (const id of info.imageIds ?? []) this.addImage(current, id, null)
        if (isTerminal(info.state)) {
          await this.finish(jobId, info.state, info.error, info.imageIds ?? [])
          return
        }
      } else if (!res.ok && res.kind === 'notFound') {
        // No polling endpoint (or the job vanished): rely on the hub events only.
        log.expected(`job ${jobId}: polling unavailable, relying on the progress hub`)
        return
      }
      this.schedulePoll(jobId)
    },

    /** Catch-up after a (re)subscription: the job's state, position, step and live preview as the server has them. */
    onState(e: JobStateEvent): void {
      const job = this.findActive(e.id)
      if (!job || isTerminal(job.state)) return
      if (isTerminal(e.state)) {
        void this.finish(e.id, e.state, e.error ?? null, e.imageIds ?? [])
        return
      }
      for (const id of e.imageIds ?? []) this.addImage(job, id, null)
      if (e.state === 'queued') {
        job.position = e.position
        return
      }
      job.state = 'running'
      job.position = null
      if (e.totalSteps > 0) job.totalSteps = e.totalSteps
      job.step = Math.max(job.step, e.step ?? 0)
      if (typeof e.imageIndex === 'number') job.imageIndex = e.imageIndex
      if (typeof e.etaSeconds === 'number') job.etaSeconds = e.etaSeconds
      if (e.preview) job.preview = e.preview
    },
    onQueued(e: QueuedEvent): void {
      const job = this.findActive(e.jobId)
      if (!job) return remember(e.jobId, () => this.onQueued(e))
      if (job.state === 'queued') job.position = e.position
    },
    onStarted(e: StartedEvent): void {
      const job = this.findActive(e.jobId)
      if (!job) return remember(e.jobId, () => this.onStarted(e))
      if (isTerminal(job.state)) return
      job.state = 'running'
      job.position = null
      if (e.totalSteps > 0) job.totalSteps = e.totalSteps
      if (e.imageCount > 0) job.imageCount = e.imageCount
    },
    onStep(e: StepEvent): void {
      const job = this.findActive(e.jobId)
      if (!job) return remember(e.jobId, () => this.onStep(e))
      if (isTerminal(job.state)) return
      job.state = 'running'
      job.position = null
      job.step = e.step
      if (e.totalSteps > 0) job.totalSteps = e.totalSteps
      job.imageIndex = e.imageIndex ?? job.imageIndex
      job.etaSeconds = typeof e.etaSeconds === 'number' ? e.etaSeconds : job.etaSeconds
      if (e.preview) job.preview = e.preview
    },
    onImageSaved(e: ImageSavedEvent): void {
      const job = this.findActive(e.jobId)
      if (!job) return remember(e.jobId, () => this.onImageSaved(e))
      this.addImage(job, e.imageId, e.seed)
    },
    onFinished(e: FinishedEvent): void {
      if (!this.findActive(e.jobId)) return remember(e.jobId, () => this.onFinished(e))
      void this.finish(e.jobId, e.state, e.error, e.imageIds ?? [])
    },

    addImage(job: ActiveJob, imageId: string, seed: number | null): void {
      const list = this.results[job.mode]
      const existing = list.find((r) => r.id === imageId)
      if (existing) {
        if (seed !== null && existing.seed === null) {
          existing.seed = seed
          existing.infotext = infotextFor(job.request, seed)
        }
        return
      }
      if (!job.imageIds.includes(imageId)) job.imageIds.push(imageId)
      const image: ResultImage = { id: imageId, url: imageUrl(imageId), seed, infotext: infotextFor(job.request, seed) }
      list.push(image)
      if (seed !== null) this.lastSeed[job.mode] = seed
      void this.loadInfotext(job.mode, imageId)
    },

    /** Reads the PNG's own "parameters" text chunk (the server's infotext) when available. */
    async loadInfotext(mode: JobMode, imageId: string): Promise<void> {
      const res = await api.imageBlob(imageId)
      if (!res.ok || !(res.data instanceof Blob)) return
      try {
        const text = readPngText(await res.data.arrayBuffer())
        const params = text['parameters']
        const target = this.results[mode].find((r) => r.id === imageId)
        if (target && params) {
          target.infotext = params
          const m = /(?:^|, )Seed: (-?\d+)/m.exec(params)
          if (m) {
            target.seed = Number(m[1])
            this.lastSeed[mode] = target.seed
          }
        }
      } catch (e) {
        log.expected('could not read PNG metadata', e)
      }
    },

    async finish(jobId: string, state: JobState, error: string | null, imageIds: string[]): Promise<void> {
      const job = this.findActive(jobId)
      if (!job) return
      const timer = timers.get(jobId)
      if (timer) clearTimeout(timer)
      timers.delete(jobId)
      const wasTerminal = isTerminal(job.state)
      job.state = state
      job.error = error
      job.etaSeconds = 0
      if (state === 'done') job.step = job.totalSteps
      for (const id of imageIds) this.addImage(job, id, null)
      if (!wasTerminal) {
        if (state === 'failed') notify.error(t('progress.generationFailed'), error ?? t('progress.failed'))
        void this.loadQueue()
      }
    },

    resubscribe(): void {
      for (const mode of ['txt2img', 'img2img'] as const) {
        const a = this.active[mode]
        if (a && !isTerminal(a.state)) void this.hub().subscribeJob(a.id)
      }
    },

    async interrupt(mode: JobMode): Promise<void> {
      const job = this.active[mode]
      if (!job || isTerminal(job.state)) return
      const res = job.state === 'queued' ? await api.cancelJob(job.id) : await api.interruptJob(job.id)
      if (!res.ok) notify.error(t('app.requestFailed'), failureText(res))
      else void this.poll(job.id)
    },
    async skip(mode: JobMode): Promise<void> {
      const job = this.active[mode]
      if (!job || job.state !== 'running') return
      const res = await api.skipJob(job.id)
      if (!res.ok) notify.error(t('app.requestFailed'), failureText(res))
    },
    async cancel(jobId: string): Promise<void> {
      const res = await api.cancelJob(jobId)
      if (!res.ok) notify.error(t('app.requestFailed'), failureText(res))
      await this.loadQueue()
      const job = this.findActive(jobId)
      if (job) void this.poll(jobId)
    },
    async loadQueue(): Promise<void> {
      const res = await api.jobs(1, 20)
      if (!res.ok || !res.data || !Array.isArray(res.data.items)) {
        this.queueAvailable = false
        return
      }
      this.queueAvailable = true
      this.myJobs = res.data.items
    },
    select(mode: JobMode, index: number): void {
      this.selected[mode] = index
    },
  },
})
