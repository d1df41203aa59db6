import type { InputHTMLAttributes } from 'vue'

/** Attributes for Naive UI's inner <input> (input-props), including a data-testid hook. */
export function inputAttrs(testid: string, label?: string): InputHTMLAttributes {
  const attrs: Record<string, string> = { 'data-testid': testid }
  if (label) attrs['aria-label'] = label
  return attrs as InputHTMLAttributes
}
