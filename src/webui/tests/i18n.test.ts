import { describe, expect, it } from 'vitest'
import en from '../src/i18n/en'
import zhCN from '../src/i18n/zh-CN'

function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix]
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('i18n', () => {
  it('en and zh-CN have the same keys', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort())
  })
  it('no message is empty', () => {
    for (const messages of [en, zhCN]) {
      for (const key of keys(messages)) {
        const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], messages)
        expect(typeof value === 'string' && value.trim().length > 0, key).toBe(true)
      }
    }
  })
})
