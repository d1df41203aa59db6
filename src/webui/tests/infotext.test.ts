import { describe, expect, it } from 'vitest'
import { formatInfotext, parseInfotext, parseInfotextRaw } from '../src/utils/infotext'

const BASIC = `a photo of a cat, best quality
Negative prompt: blurry, lowres
Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234, Size: 512x768, Model hash: abcdef1234, Model: sd15, Version: v1.10.0`

describe('parseInfotext', () => {
  it('parses prompt, negative prompt and parameters', () => {
    const { fields, raw } = parseInfotext(BASIC)
    expect(fields.prompt).toBe('a photo of a cat, best quality')
    expect(fields.negativePrompt).toBe('blurry, lowres')
    expect(fields.steps).toBe(20)
    expect(fields.sampler).toBe('DPM++ 2M')
    expect(fields.scheduler).toBe('Karras')
    expect(fields.cfgScale).toBe(7)
    expect(fields.seed).toBe(1234)
    expect(fields.model).toBe('sd15')
    expect(fields.modelHash).toBe('abcdef1234')
    expect(raw['Version']).toBe('v1.10.0')
  })

  it('splits Size: WxH', () => {
    const { fields, raw } = parseInfotext(BASIC)
    expect(fields.width).toBe(512)
    expect(fields.height).toBe(768)
    expect(raw['Size-1']).toBe('512')
    expect(raw['Size-2']).toBe('768')
  })

  it('keeps a multi-line prompt and multi-line negative prompt', () => {
    const text = `line one\nline two\nNegative prompt: bad\nworse\nSteps: 10, Sampler: Euler a, CFG scale: 5, Seed: 1, Size: 64x64`
    const { fields } = parseInfotext(text)
    expect(fields.prompt).toBe('line one\nline two')
    expect(fields.negativePrompt).toBe('bad\nworse')
    expect(fields.sampler).toBe('Euler a')
  })

  it('handles quoted values containing commas and colons', () => {
    const text = `cat\nSteps: 20, Sampler: Euler, CFG scale: 7, Lora hashes: "a: 123, b: 456", Seed: 5, Size: 512x512`
    const { raw, fields } = parseInfotext(text)
    expect(raw['Lora hashes']).toBe('a: 123, b: 456')
    expect(fields.seed).toBe(5)
  })

  it('handles escaped quotes in quoted values', () => {
    const text = `cat\nSteps: 20, Sampler: Euler, Note: "say \\"hi\\", ok", CFG scale: 7`
    const raw = parseInfotextRaw(text)
    expect(raw['Note']).toBe('say "hi", ok')
    expect(raw['CFG scale']).toBe('7')
  })

  it('treats the last line as prompt when it has fewer than 3 params', () => {
    const text = `a cat\nSteps: 20, Seed: 3`
    const { fields } = parseInfotext(text)
    expect(fields.prompt).toBe('a cat\nSteps: 20, Seed: 3')
    expect(fields.steps).toBeUndefined()
  })

  it('prompt only', () => {
    const { fields } = parseInfotext('just a prompt')
    expect(fields.prompt).toBe('just a prompt')
    expect(fields.negativePrompt).toBe('')
  })

  it('parses hires fix fields and enables hires', () => {
    const text = `cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Denoising strength: 0.55, Hires upscale: 2, Hires steps: 15, Hires upscaler: Latent (nearest-exact)`
    const { fields } = parseInfotext(text)
    expect(fields.enableHr).toBe(true)
    expect(fields.hrScale).toBe(2)
    expect(fields.hrSteps).toBe(15)
    expect(fields.hrUpscaler).toBe('Latent (nearest-exact)')
    expect(fields.denoisingStrength).toBe(0.55)
    expect(fields.hrDenoisingStrength).toBe(0.55)
  })

  it('parses Hires resize WxH', () => {
    const { fields } = parseInfotext(`cat\nSteps: 20, Sampler: Euler a, Seed: 1, Hires resize: 1024x1536`)
    expect(fields.hrResizeX).toBe(1024)
    expect(fields.hrResizeY).toBe(1536)
    expect(fields.enableHr).toBe(true)
  })

  it('parses Clip skip and variation seed', () => {
    const text = `cat\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512, Clip skip: 2, Variation seed: 999, Variation seed strength: 0.3, Seed resize from: 768x512`
    const { fields } = parseInfotext(text)
    expect(fields.clipSkip).toBe(2)
    expect(fields.subseed).toBe(999)
    expect(fields.subseedStrength).toBe(0.3)
    expect(fields.seedResizeFromW).toBe(768)
    expect(fields.seedResizeFromH).toBe(512)
  })

  it('splits old-style sampler names with a scheduler suffix', () => {
    const { fields } = parseInfotext(`cat\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7`)
    expect(fields.sampler).toBe('DPM++ 2M')
    expect(fields.scheduler).toBe('Karras')
  })

  it('does not enable hires when absent', () => {
    expect(parseInfotext(BASIC).fields.enableHr).toBeUndefined()
  })

  it('accepts CRLF line endings', () => {
    const { fields } = parseInfotext(BASIC.replace(/\n/g, '\r\n'))
    expect(fields.negativePrompt).toBe('blurry, lowres')
    expect(fields.steps).toBe(20)
  })
})

describe('formatInfotext', () => {
  it('round-trips through the parser', () => {
    const input = {
      prompt: 'a cat, (dog:1.2)',
      negativePrompt: 'ugly',
      steps: 25,
      sampler: 'Euler a',
      scheduler: 'Karras',
      cfgScale: 6.5,
      seed: 42,
      width: 640,
      height: 480,
      model: 'my, model',
      clipSkip: 2,
      enableHr: true,
      hrScale: 1.5,
      hrSteps: 10,
      hrUpscaler: 'Latent',
      denoisingStrength: 0.6,
      subseed: 7,
      subseedStrength: 0.2,
    }
    const text = formatInfotext(input)
    expect(text.split('\n')[2]).toContain('Model: "my, model"')
    const { fields } = parseInfotext(text)
    // Every field but the denoising strength comes back as it went in (its parsing is tested above).
    expect(fields).toMatchObject(Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'denoisingStrength')))
  })
})
