import { describe, expect, it } from 'vitest'
import { estimateTokens, formatTokenCounter, tokenLimit } from '../src/utils/tokens'
import { readPngText } from '../src/utils/png'

describe('token counter', () => {
  it('grows the limit in chunks of 75', () => {
    expect(formatTokenCounter(0)).toBe('0/75')
    expect(formatTokenCounter(12)).toBe('12/75')
    expect(formatTokenCounter(75)).toBe('75/75')
    expect(formatTokenCounter(76)).toBe('76/150')
    expect(tokenLimit(151)).toBe(225)
  })
  it('estimates tokens locally', () => {
    expect(estimateTokens('')).toBe(0)
    expect(estimateTokens('a cat, sits')).toBe(4)
    expect(estimateTokens('(cat:1.2)')).toBe(1)
  })
})

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  out.set(new TextEncoder().encode(type), 4)
  out.set(data, 8)
  return out
}

describe('readPngText', () => {
  it('reads tEXt and iTXt chunks', () => {
    const enc = new TextEncoder()
    const sig = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10])
    const text = chunk('tEXt', new Uint8Array([...enc.encode('parameters'), 0, ...enc.encode('a cat\nSteps: 20')]))
    const itxt = chunk('iTXt', new Uint8Array([...enc.encode('comment'), 0, 0, 0, 0, 0, ...enc.encode('猫')]))
    const end = chunk('IEND', new Uint8Array())
    const all = new Uint8Array([...sig, ...text, ...itxt, ...end])
    expect(readPngText(all.buffer)).toEqual({ parameters: 'a cat\nSteps: 20', comment: '猫' })
  })
  it('ignores non-PNG data', () => {
    expect(readPngText(new Uint8Array([1, 2, 3]).buffer)).toEqual({})
  })
})
