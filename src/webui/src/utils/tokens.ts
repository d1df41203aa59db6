/** Size of one CLIP chunk (77 tokens minus BOS/EOS). */
export const CHUNK_TOKENS = 75

/**
 * A1111 style counter: "n/75", "n/150", ... growing with the number of chunks.
 * `chunks` is the server's real chunk count (BREAK and comma backtracking can add chunks);
 * without it the limit is estimated from the count alone.
 */
export function tokenLimit(count: number, chunks?: number | null): number {
  if (typeof chunks === 'number' && Number.isFinite(chunks) && chunks >= 0) return Math.max(1, chunks) * CHUNK_TOKENS
  return Math.max(CHUNK_TOKENS, Math.ceil(count / CHUNK_TOKENS) * CHUNK_TOKENS)
}

export function formatTokenCounter(count: number, chunks?: number | null): string {
  return `${count}/${tokenLimit(count, chunks)}`
}

/**
 * Rough client-side token estimate used when the server cannot tokenize:
 * words, numbers and punctuation each count as one token; long words count per ~6 chars.
 * Emphasis syntax "(…:1.2)" is ignored like A1111 does.
 */
export function estimateTokens(prompt: string): number {
  const stripped = prompt
    .replace(/:\s*-?[\d.]+\s*\)/g, ')')
    .replace(/[()[\]]/g, ' ')
    .replace(/\bBREAK\b/g, ' ')
  const parts = stripped.match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? []
  let n = 0
  for (const p of parts) n += p.length > 6 ? Math.ceil(p.length / 6) : 1
  return n
}
