import { describe, expect, it } from 'vitest'
import en from '../src/i18n/en'
import zhCN from '../src/i18n/zh-CN'
import { detectLocale, resolveLocale } from '../src/i18n'

function flatten(obj: object, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object') Object.assign(out, flatten(v as object, key))
    else out[key] = v
  }
  return out
}

describe('locales', () => {
  const a = flatten(en)
  const b = flatten(zhCN)

  it('have identical key sets', () => {
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort())
  })

  it('have no empty strings', () => {
    for (const [k, v] of [...Object.entries(a), ...Object.entries(b)]) {
      expect(typeof v, k).toBe('string')
      expect((v as string).trim(), k).not.toBe('')
    }
  })

  it('use the same placeholders in both languages', () => {
    const ph = (s: unknown) => (String(s).match(/\{\w+\}/g) ?? []).sort()
    for (const k of Object.keys(a)) expect(ph(b[k]), k).toEqual(ph(a[k]))
  })

  it('avoid vue-i18n special characters that would break compilation', () => {
    for (const [k, v] of [...Object.entries(a), ...Object.entries(b)]) expect(String(v), k).not.toMatch(/[@|$]/)
  })

  it('detects the browser language', () => {
    expect(detectLocale('zh-TW')).toBe('zh-CN')
    expect(detectLocale('zh')).toBe('zh-CN')
    expect(detectLocale('en-US')).toBe('en')
    expect(detectLocale('de')).toBe('en')
    expect(resolveLocale('en')).toBe('en')
    expect(resolveLocale('zh-CN')).toBe('zh-CN')
  })
})
