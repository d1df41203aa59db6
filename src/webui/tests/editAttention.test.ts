import { describe, expect, it } from 'vitest'
import { editAttention } from '../src/utils/editAttention'

/** Helper: "|" marks the caret, "[...]" is not used; selection given explicitly. */
function up(text: string, s: number, e = s) {
  return editAttention(text, s, e, true)
}
function down(text: string, s: number, e = s) {
  return editAttention(text, s, e, false)
}

describe('editAttention', () => {
  it('wraps the word under the caret with weight 1.1 on Ctrl+Up', () => {
    const r = up('a cat sitting', 3)
    expect(r.text).toBe('a (cat:1.1) sitting')
    expect(r.text.slice(r.selStart, r.selEnd)).toBe('cat')
  })

  it('wraps with 0.9 on Ctrl+Down', () => {
    const r = down('a cat sitting', 3)
    expect(r.text).toBe('a (cat:0.9) sitting')
  })

  it('wraps the selected text (multiple words)', () => {
    const r = up('a cat sitting on a mat', 2, 13)
    expect(r.text).toBe('a (cat sitting:1.1) on a mat')
    expect(r.text.slice(r.selStart, r.selEnd)).toBe('cat sitting')
  })

  it('excludes trailing spaces of the selection', () => {
    const r = up('a cat sitting', 2, 6)
    expect(r.text).toBe('a (cat:1.1) sitting')
  })

  it('steps an existing weight by 0.1 with the caret inside', () => {
    const r = up('a (cat:1.1) sitting', 5)
    expect(r.text).toBe('a (cat:1.2) sitting')
    expect(r.text.slice(r.selStart, r.selEnd)).toBe('cat')
  })

  it('repeated edits keep the selection and avoid float noise', () => {
    let r = up('cat', 1)
    for (let i = 0; i < 5; i++) r = up(r.text, r.selStart, r.selEnd)
    expect(r.text).toBe('(cat:1.6)')
    r = down(r.text, r.selStart, r.selEnd)
    expect(r.text).toBe('(cat:1.5)')
  })

  it('removes parentheses when the weight returns to 1.0', () => {
    const r = down('a (cat:1.1) sitting', 5)
    expect(r.text).toBe('a cat sitting')
    expect(r.text.slice(r.selStart, r.selEnd)).toBe('cat')
  })

  it('goes below 1 and back up removing parentheses', () => {
    let r = down('dog', 0)
    expect(r.text).toBe('(dog:0.9)')
    r = up(r.text, r.selStart, r.selEnd)
    expect(r.text).toBe('dog')
  })

  it('handles weights crossing integers (formats 2.0)', () => {
    const r = up('(cat:1.9)', 2)
    expect(r.text).toBe('(cat:2.0)')
  })

  it('converts old-style ((emphasis))', () => {
    const r = up('((cat))', 3)
    expect(r.text).toBe('(cat:1.3)')
  })

  it('converts old-style [de-emphasis]', () => {
    const r = down('[cat]', 2)
    expect(r.text).toBe('(cat:0.8)')
  })

  it('edits lora weights by 0.05 inside <>', () => {
    const r = up('<lora:detail:0.5>', 4)
    expect(r.text).toBe('<lora:detail:0.55>')
    const r2 = down('<lora:detail:1>', 4)
    expect(r2.text).toBe('<lora:detail:0.95>')
  })

  it('keeps <lora> at 1.0 instead of removing brackets', () => {
    const r = up('<lora:x:0.95>', 3)
    expect(r.text).toBe('<lora:x:1.0>')
  })

  it('respects comma delimiters', () => {
    const r = up('masterpiece,best quality,cat', 14)
    expect(r.text).toBe('masterpiece,(best:1.1) quality,cat')
  })

  it('selected multiword with comma inside', () => {
    const r = up('red, blue', 0, 9)
    expect(r.text).toBe('(red, blue:1.1)')
  })

  it('does nothing on empty text or whitespace', () => {
    expect(up('', 0).text).toBe('')
    expect(up('a  b', 2).text).toBe('a  b')
  })

  it('handles word at the end of text and multiline prompts', () => {
    const r = up('first line\nsecond', 15)
    expect(r.text).toBe('first line\n(second:1.1)')
  })

  it('caret in a parenthesis block without weight selects the block', () => {
    const r = up('(cat dog:1.0)', 3)
    expect(r.text).toBe('(cat dog:1.1)')
  })

  it('negative weights are supported', () => {
    const r = down('(cat:0.1)', 2)
    expect(r.text).toBe('(cat:0.0)')
    const r2 = down(r.text, r.selStart, r.selEnd)
    expect(r2.text).toBe('(cat:-0.1)')
  })
})
