export interface ModelInfo {
  name: string
  folder?: string
  hash: string | null
  components?: string[]
  precision?: string
  sdVersion?: string
  predictionType?: string
  inpainting?: boolean
  error: string | null
}

export interface ModelsResponse {
  models: ModelInfo[]
  current: string | null
  vae?: string[]
  loras?: string[]
  embeddings?: string[]
}

export interface SamplerInfo {
  name: string
  aliases?: string[]
}

export interface SchedulerInfo {
  name: string
  label: string
}

export interface TokenizeResponse {
  tokenCount: number
  chunks?: { ids: number[]; weights: number[] }[]
}

export type JobMode = 'txt2img' | 'img2img'
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted'

export const TERMINAL_STATES: readonly JobState[] = ['done', 'failed', 'cancelled', 'interrupted']

export interface JobCreated {
  id: string
  position: number
}

export interface JobInfo {
  id: string
  mode: JobMode
  /** The job's prompt, shortened for lists (null when the request had none). */
  prompt?: string | null
  state: JobState
  position: number | null
  step: number
  totalSteps: number
  createdAt?: string
  startedAt?: string | null
  finishedAt?: string | null
  error: string | null
  imageIds: string[]
  request?: Record<string, unknown>
}

export interface Paged<T> {
  items: T[]
  total: number
}

export interface ImageInfo {
  id: string
  /** null for Extras results and files no job claimed. */
  jobId?: string | null
  seed?: number
  width?: number
  height?: number
  prompt?: string
  createdAt?: string
  infotext?: string
  kind?: 'generated' | 'extras'
}

export interface PngInfoResponse {
  info: string
  items?: Record<string, unknown>
  parameters?: Record<string, unknown>
}

export type ThemeSetting = 'dark' | 'light' | 'auto'
export type LanguageSetting = 'en' | 'zh-CN' | 'auto'

export interface AppSettings {
  defaultSampler: string
  defaultScheduler: string
  defaultSteps: number
  defaultWidth: number
  defaultHeight: number
  defaultCfgScale: number
  theme: ThemeSetting
  language: LanguageSetting
}

/** Generation request body (A1111 field names). */
export interface GenerationRequest {
  mode: JobMode
  prompt: string
  negative_prompt: string
  sampler_name: string
  scheduler: string
  steps: number
  cfg_scale: number
  width: number
  height: number
  seed: number
  subseed: number
  subseed_strength: number
  seed_resize_from_w: number
  seed_resize_from_h: number
  batch_size: number
  n_iter: number
  clip_skip?: number
  enable_hr?: boolean
  hr_scale?: number
  hr_upscaler?: string
  hr_second_pass_steps?: number
  hr_resize_x?: number
  hr_resize_y?: number
  hr_sampler_name?: string
  hr_prompt?: string
  hr_negative_prompt?: string
  denoising_strength?: number
  init_images?: string[]
  mask?: string
  mask_blur?: number
  inpainting_mask_invert?: 0 | 1
  inpainting_fill?: number
  inpaint_full_res?: boolean
  inpaint_full_res_padding?: number
  resize_mode?: number
  override_settings?: Record<string, unknown>
  model?: string
}

// Hub events
export interface QueuedEvent {
  jobId: string
  position: number
}
export interface StartedEvent {
  jobId: string
  totalSteps: number
  imageCount: number
}
export interface StepEvent {
  jobId: string
  step: number
  totalSteps: number
  imageIndex: number
  sigma?: number
  elapsedSeconds?: number
  etaSeconds?: number
  preview: string | null
}
/** The hub's catch-up message on (re)subscribing: the job as GET /api/jobs/{id} shows it, with the live preview. */
export interface JobStateEvent {
  id: string
  state: JobState
  position: number | null
  step: number
  totalSteps: number
  imageIndex?: number
  etaSeconds?: number | null
  preview?: string | null
  error?: string | null
  imageIds?: string[]
}
export interface ImageSavedEvent {
  jobId: string
  imageId: string
  seed: number
  index: number
}
export interface FinishedEvent {
  jobId: string
  state: JobState
  error: string | null
  imageIds: string[]
}

/** The life of a model pull (GET /api/models/pulls). */
export type ModelPullState = 'queued' | 'running' | 'completed' | 'failed'

/** One background pull of a diffusers ONNX model from the Hugging Face hub (or a mirror). */
export interface ModelPull {
  id: string
  repo: string
  revision: string
  name: string
  state: ModelPullState
  /** File being fetched (repo path) and its 1-based index among fileCount; null before the listing. */
  file: string | null
  fileIndex: number | null
  fileCount: number | null
  bytesDone: number | null
  bytesTotal: number | null
  bytesPerSecond: number | null
  etaSeconds: number | null
  error: string | null
  startedAt: string
  finishedAt: string | null
}

export interface ModelPullsResponse {
  pulls: ModelPull[]
}

export interface ModelPullRequest {
  repo: string
  revision?: string
  name?: string
}
