export const FALLBACK_SAMPLERS: readonly string[] = [
  'Euler a', 'Euler', 'LMS', 'Heun', 'DPM2', 'DPM2 a', 'DPM++ 2S a', 'DPM++ 2M', 'DPM++ SDE',
  'DPM++ 2M SDE', 'DPM++ 3M SDE', 'DPM fast', 'DPM adaptive', 'Restart', 'DDIM', 'PLMS', 'UniPC', 'LCM',
]

export interface SchedulerOption {
  name: string
  label: string
}

export const FALLBACK_SCHEDULERS: readonly SchedulerOption[] = [
  { name: 'automatic', label: 'Automatic' },
  { name: 'uniform', label: 'Uniform' },
  { name: 'karras', label: 'Karras' },
  { name: 'exponential', label: 'Exponential' },
  { name: 'polyexponential', label: 'Polyexponential' },
  { name: 'sgm_uniform', label: 'SGM Uniform' },
  { name: 'kl_optimal', label: 'KL Optimal' },
  { name: 'align_your_steps', label: 'Align Your Steps' },
  { name: 'simple', label: 'Simple' },
  { name: 'normal', label: 'Normal' },
  { name: 'ddim', label: 'DDIM' },
  { name: 'beta', label: 'Beta' },
]

export const HIRES_UPSCALERS: readonly string[] = [
  'Latent', 'Latent (antialiased)', 'Latent (bicubic)', 'Latent (bicubic antialiased)', 'Latent (nearest)',
  'Latent (nearest-exact)', 'None', 'Lanczos', 'Nearest',
]

export const EXTRAS_UPSCALERS: readonly string[] = ['Lanczos', 'Nearest']

export const SIZE_PRESETS: readonly [number, number][] = [
  [512, 512], [512, 768], [768, 512], [768, 768], [1024, 1024], [832, 1216], [1216, 832], [896, 1152], [1152, 896],
]

export const DEFAULT_SAMPLER = 'DPM++ 2M'
export const DEFAULT_SCHEDULER = 'automatic'

export const LIMITS = {
  steps: { min: 1, max: 150 },
  cfg: { min: 1, max: 30, step: 0.5 },
  size: { min: 64, max: 2048, step: 8 },
  batchCount: { min: 1, max: 100 },
  batchSize: { min: 1, max: 8 },
  clipSkip: { min: 1, max: 12 },
  hrScale: { min: 1, max: 4, step: 0.05 },
  hrSteps: { min: 0, max: 150 },
  denoise: { min: 0, max: 1, step: 0.01 },
  maskBlur: { min: 0, max: 64 },
  padding: { min: 0, max: 256, step: 4 },
  brush: { min: 1, max: 256 },
} as const
