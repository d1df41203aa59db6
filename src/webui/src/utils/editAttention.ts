/**
 * Ctrl+Up / Ctrl+Down emphasis editing, a faithful port of AUTOMATIC1111's edit-attention.js
 * (default options: attention precision 0.1, extra-network precision 0.05).
 */
export interface EditResult {
  text: string
  selStart: number
  selEnd: number
}

export interface EditAttentionOptions {
  precisionAttention: number
  precisionExtra: number
  delimiters: string
}

export const DEFAULT_EDIT_OPTIONS: EditAttentionOptions = {
  precisionAttention: 0.1,
  precisionExtra: 0.05,
  delimiters: '.,\\/!?%^*;:{}=`~() \t\r\n',
}

function clean(n: number): number {
  return parseFloat(n.toPrecision(12))
}

function formatWeight(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n)
}

export function editAttention(
  input: string,
  selStart: number,
  selEnd: number,
  isUp: boolean,
  options: EditAttentionOptions = DEFAULT_EDIT_OPTIONS,
): EditResult {
  let text = input
  let start = Math.max(0, Math.min(selStart, selEnd, text.length))
  let end = Math.max(0, Math.min(Math.max(selStart, selEnd), text.length))
  const unchanged: EditResult = { text: input, selStart, selEnd }

  const selectParenBlock = (open: string, close: string): boolean => {
    if (start !== end) return false
    const before = text.substring(0, start)
    const beforeParen = before.lastIndexOf(open)
    if (beforeParen === -1) return false
    const beforeClosing = before.lastIndexOf(close)
    if (beforeClosing !== -1 && beforeClosing > beforeParen) return false
    const after = text.substring(start)
    const afterParen = after.indexOf(close)
    if (afterParen === -1) return false
    const afterOpening = after.indexOf(open)
    if (afterOpening !== -1 && afterOpening < afterParen) return false
    const content = text.substring(beforeParen + 1, start + afterParen)
    if (/.*:-?[\d.]+/s.test(content)) {
      const lastColon = content.lastIndexOf(':')
      start = beforeParen + 1
      end = start + lastColon
    } else {
      start = beforeParen + 1
      end = start + content.length
    }
    return true
  }

  const selectWord = (): void => {
    if (start !== end) return
    const delims = options.delimiters
    while (start > 0 && !delims.includes(text[start - 1])) start--
    while (end < text.length && !delims.includes(text[end])) end++
    while (start < end && text[start] === ' ') start++
    while (end > start && text[end - 1] === ' ') end--
  }

  if (!selectParenBlock('<', '>') && !selectParenBlock('(', ')') && !selectParenBlock('[', ']')) {
    selectWord()
  }

  let closeChar = ')'
  let delta = options.precisionAttention
  const before = start > 0 ? text[start - 1] : ''
  const after = text[end] ?? ''

  if (before === '<') {
    closeChar = '>'
    delta = options.precisionExtra
  } else if ((before === '(' && after === ')') || (before === '[' && after === ']')) {
    // convert old-style (((emphasis))) / [[de-emphasis]]
    let num = 0
    while (text[start - num - 1] === before && text[end + num] === after) num++
    let weight = before === '[' ? (1 / 1.1) ** num : 1.1 ** num
    weight = clean(Math.round(weight / options.precisionAttention) * options.precisionAttention)
    text = text.slice(0, start - num) + '(' + text.slice(start, end) + ':' + formatWeight(weight) + ')' + text.slice(end + num)
    start -= num - 1
    end -= num - 1
  } else if (before !== '(') {
    while (end > start && text[end - 1] === ' ') end--
    if (start === end) return unchanged
    text = text.slice(0, start) + '(' + text.slice(start, end) + ':1.0)' + text.slice(end)
    start++
    end++
  }

  if (text[end] !== ':') return unchanged
  const weightLength = text.slice(end + 1).indexOf(closeChar) + 1
  if (weightLength <= 0) return unchanged
  let weight = parseFloat(text.slice(end + 1, end + weightLength))
  if (Number.isNaN(weight)) return unchanged

  weight = clean(weight + (isUp ? delta : -delta))

  if (closeChar === ')' && weight === 1) {
    const endParen = text.substring(end).indexOf(')')
    text = text.slice(0, start - 1) + text.slice(start, end) + text.slice(end + endParen + 1)
    start--
    end--
  } else {
    text = text.slice(0, end + 1) + formatWeight(weight) + text.slice(end + weightLength)
  }
  return { text, selStart: start, selEnd: end }
}
