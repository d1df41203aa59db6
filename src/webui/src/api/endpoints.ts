import { http } from './http'
import type {
  AppSettings,
  GenerationRequest,
  ImageInfo,
  JobCreated,
  JobInfo,
  ModelPull,
  ModelPullRequest,
  ModelPullsResponse,
  ModelsResponse,
  Paged,
  PngInfoResponse,
  SamplerInfo,
  SchedulerInfo,
  TokenizeResponse,
} from './types'

const enc = encodeURIComponent

export const api = {
  models: () => http.get<ModelsResponse>('/api/models'),
  refreshModels: () => http.post<ModelsResponse>('/api/models/refresh'),
  selectModel: (name: string) => http.post<unknown>('/api/models/select', { name }),
  /** Starts a background download from the hub (202 with the pull; 400 bad repo/revision/name; 409 name busy). */
  pullModel: (body: ModelPullRequest) => http.post<ModelPull>('/api/models/pull', body),
  modelPulls: () => http.get<ModelPullsResponse>('/api/models/pulls'),
  samplers: () => http.get<SamplerInfo[]>('/api/samplers'),
  schedulers: () => http.get<SchedulerInfo[]>('/api/schedulers'),
  /** Counts as generation does; a negative prompt is not split on AND (A1111's negative is not composable). */
  tokenize: (prompt: string, signal?: AbortSignal, negative = false) =>
    http.post<TokenizeResponse>('/api/prompt/tokenize', negative ? { prompt, negative } : { prompt }, { signal }),

  createJob: (body: GenerationRequest) => http.post<JobCreated>('/api/jobs', body),
  job: (id: string) => http.get<JobInfo>(`/api/jobs/${enc(id)}`),
  jobs: (page = 1, pageSize = 20) => http.get<Paged<JobInfo>>(`/api/jobs?page=${page}&pageSize=${pageSize}`),
  cancelJob: (id: string) => http.post<null>(`/api/jobs/${enc(id)}/cancel`),
  interruptJob: (id: string) => http.post<null>(`/api/jobs/${enc(id)}/interrupt`),
  skipJob: (id: string) => http.post<null>(`/api/jobs/${enc(id)}/skip`),

  images: (query: string, page: number, pageSize = 50) =>
    http.get<Paged<ImageInfo>>(`/api/images?query=${enc(query)}&page=${page}&pageSize=${pageSize}`),
  imageBlob: (id: string) => http.get<Blob>(imageUrl(id), { blob: true }),
  deleteImage: (id: string) => http.del<null>(`/api/images/${enc(id)}`),
  pngInfo: (image: string) => http.post<PngInfoResponse>('/api/png-info', { image }),

  settings: () => http.get<Partial<AppSettings>>('/api/settings'),
  saveSettings: (s: Partial<AppSettings>) => http.put<Partial<AppSettings>>('/api/settings', s),

  extraSingleImage: (body: { image: string; upscaling_resize: number; upscaler_1: string }) =>
    http.post<{ image: string; html_info?: string }>('/sdapi/v1/extra-single-image', body),
}

export function imageUrl(id: string): string {
  return `/api/images/${enc(id)}`
}
