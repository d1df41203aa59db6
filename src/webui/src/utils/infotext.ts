/**
 * A1111 "infotext" (generation parameters text) parsing and formatting.
 * Parsing mirrors modules/infotext_utils.parse_generation_parameters.
 */

export interface InfotextFields {
  prompt: string
  negativePrompt: string
  steps: number
  sampler: string
  scheduler: string
  cfgScale: number
  seed: number
  width: number
  height: number
  model: string
  modelHash: string
  denoisingStrength: number
  subseed: number
  subseedStrength: number
  seedResizeFromW: number
  seedResizeFromH: number
  clipSkip: number
  enableHr: boolean
  hrScale: number
  hrUpscaler: string
  hrSteps: number
  hrResizeX: number
  hrResizeY: number
  hrDenoisingStrength: number
  hrSampler: string
  hrPrompt: string
  hrNegativePrompt: string
  batchSize: number
  maskBlur: number
}

export interface ParsedInfotext {
  /** Raw A1111 keys, sizes split into "Size-1"/"Size-2" like A1111. */
  raw: Record<string, string>
  fields: Partial<InfotextFields>
}

const PARAM_RE = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g
const SIZE_RE = /^(\d+)x(\d+)$/

/** Known A1111 schedule types that old infotexts appended to the sampler name. */
const SCHEDULER_SUFFIXES: Record<string, string> = {
  Karras: 'Karras',
  Exponential: 'Exponential',
  'SGM Uniform': 'SGM Uniform',
  Polyexponential: 'Polyexponential',
  Uniform: 'Uniform',
}

function findParams(line: string): [string, string][] {
  const out: [string, string][] = []
  PARAM_RE.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = PARAM_RE.exec(line)) !== null) {
    if (m[0] === '') {
      PARAM_RE.lastIndex++
      if (PARAM_RE.lastIndex > line.length) break
      continue
    }
    out.push([m[1], m[2]])
  }
  return out
}

function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(v)
      if (typeof parsed === 'string') return parsed
    } catch {
      return v.slice(1, -1)
    }
  }
  return v
}

export function quote(v: string): string {
  if (!/[,\n:"]/.test(v)) return v
  return JSON.stringify(v)
}

export function parseInfotextRaw(input: string): Record<string, string> {
  const res: Record<string, string> = {}
  let prompt = ''
  let negative = ''
  let doneWithPrompt = false
  const lines = input.trim().replace(/\r\n/g, '\n').split('\n')
  let lastLine = lines.pop() ?? ''
  if (findParams(lastLine).length < 3) {
    lines.push(lastLine)
    lastLine = ''
  }
  for (let line of lines) {
    line = line.trim()
    if (line.startsWith('Negative prompt:')) {
      doneWithPrompt = true
      line = line.slice(16).trim()
    }
    if (doneWithPrompt) negative += (negative === '' ? '' : '\n') + line
    else prompt += (prompt === '' ? '' : '\n') + line
  }
  for (const [k, rawValue] of findParams(lastLine)) {
    const key = k.trim()
    const v = unquote(rawValue.trim())
    const m = SIZE_RE.exec(v)
    if (m) {
      res[`${key}-1`] = m[1]
      res[`${key}-2`] = m[2]
    } else {
      res[key] = v
    }
  }
  res['Prompt'] = prompt
  res['Negative prompt'] = negative
  return res
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) ? n : undefined
}

export function parseInfotext(input: string): ParsedInfotext {
  const raw = parseInfotextRaw(input)
  const f: Partial<InfotextFields> = {
    prompt: raw['Prompt'],
    negativePrompt: raw['Negative prompt'],
  }
  const setNum = <K extends keyof InfotextFields>(key: K, source: string): void => {
    const n = num(raw[source])
    if (n !== undefined) (f as Record<string, unknown>)[key] = n
  }
  setNum('steps', 'Steps')
  setNum('cfgScale', 'CFG scale')
  setNum('seed', 'Seed')
  setNum('width', 'Size-1')
  setNum('height', 'Size-2')
  setNum('denoisingStrength', 'Denoising strength')
  setNum('subseed', 'Variation seed')
  setNum('subseedStrength', 'Variation seed strength')
  setNum('seedResizeFromW', 'Seed resize from-1')
  setNum('seedResizeFromH', 'Seed resize from-2')
  setNum('clipSkip', 'Clip skip')
  setNum('hrScale', 'Hires upscale')
  setNum('hrSteps', 'Hires steps')
  setNum('hrResizeX', 'Hires resize-1')
  setNum('hrResizeY', 'Hires resize-2')
  setNum('batchSize', 'Batch size')
  setNum('maskBlur', 'Mask blur')

  if (raw['Model']) f.model = raw['Model']
  if (raw['Model hash']) f.modelHash = raw['Model hash']
  if (raw['Hires upscaler']) f.hrUpscaler = raw['Hires upscaler']
  if (raw['Hires sampler']) f.hrSampler = raw['Hires sampler']
  if ('Hires prompt' in raw) f.hrPrompt = raw['Hires prompt']
  if ('Hires negative prompt' in raw) f.hrNegativePrompt = raw['Hires negative prompt']

  let sampler = raw['Sampler']
  let scheduler = raw['Schedule type']
  if (sampler && !scheduler) {
    for (const suffix of Object.keys(SCHEDULER_SUFFIXES)) {
      if (sampler.endsWith(` ${suffix}`)) {
        sampler = sampler.slice(0, -suffix.length - 1)
        scheduler = SCHEDULER_SUFFIXES[suffix]
        break
      }
    }
  }
  if (sampler) f.sampler = sampler
  if (scheduler) f.scheduler = scheduler

  if ('Hires upscale' in raw || 'Hires upscaler' in raw || 'Hires resize-1' in raw) {
    f.enableHr = true
    if (f.denoisingStrength !== undefined) f.hrDenoisingStrength = f.denoisingStrength
  }
  return { raw, fields: f }
}

export interface InfotextInput {
  prompt: string
  negativePrompt: string
  steps: number
  sampler: string
  scheduler: string
  cfgScale: number
  seed: number
  width: number
  height: number
  model?: string | null
  denoisingStrength?: number
  subseed?: number
  subseedStrength?: number
  seedResizeFromW?: number
  seedResizeFromH?: number
  clipSkip?: number
  enableHr?: boolean
  hrScale?: number
  hrUpscaler?: string
  hrSteps?: number
  hrResizeX?: number
  hrResizeY?: number
  hrSampler?: string
  hrPrompt?: string
  hrNegativePrompt?: string
}

/** Formats parameters in A1111's infotext layout. */
export function formatInfotext(p: InfotextInput): string {
  const params: [string, string | number | undefined][] = [
    ['Steps', p.steps],
    ['Sampler', p.sampler],
    ['Schedule type', p.scheduler && p.scheduler !== 'Automatic' ? p.scheduler : undefined],
    ['CFG scale', p.cfgScale],
    ['Seed', p.seed],
    ['Size', `${p.width}x${p.height}`],
    ['Model', p.model ?? undefined],
    ['Denoising strength', p.denoisingStrength],
    ['Clip skip', p.clipSkip && p.clipSkip > 1 ? p.clipSkip : undefined],
  ]
  if (p.subseedStrength && p.subseedStrength > 0) {
    params.push(['Variation seed', p.subseed], ['Variation seed strength', p.subseedStrength])
    if (p.seedResizeFromW && p.seedResizeFromH && p.seedResizeFromW > 0 && p.seedResizeFromH > 0) {
      params.push(['Seed resize from', `${p.seedResizeFromW}x${p.seedResizeFromH}`])
    }
  }
  if (p.enableHr) {
    if (p.hrResizeX && p.hrResizeY) params.push(['Hires resize', `${p.hrResizeX}x${p.hrResizeY}`])
    else params.push(['Hires upscale', p.hrScale])
    params.push(['Hires steps', p.hrSteps || undefined], ['Hires upscaler', p.hrUpscaler])
    if (p.hrSampler && p.hrSampler !== p.sampler) params.push(['Hires sampler', p.hrSampler])
    if (p.hrPrompt && p.hrPrompt !== p.prompt) params.push(['Hires prompt', p.hrPrompt])
    if (p.hrNegativePrompt && p.hrNegativePrompt !== p.negativePrompt) params.push(['Hires negative prompt', p.hrNegativePrompt])
  }
  const line = params
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}: ${quote(String(v))}`)
    .join(', ')
  const neg = p.negativePrompt ? `\nNegative prompt: ${p.negativePrompt}` : ''
  return `${p.prompt}${neg}\n${line}`
}
