import { onBeforeUnmount, ref, watch, type Ref } from 'vue'
import { api } from '../api/endpoints'
import { estimateTokens } from '../utils/tokens'

let serverTokenizer: boolean | null = null

/** Debounced token count of a prompt (server tokenizer, falling back to a local estimate). */
export function useTokenCount(text: Ref<string>, delayMs = 300, negative = false) {
  const count = ref(estimateTokens(text.value))
  const estimated = ref(serverTokenizer !== true)
  /** The server's chunk count for the last answer; null when counting locally. */
  const chunks = ref<number | null>(null)
  let timer: ReturnType<typeof setTimeout> | null = null
  let controller: AbortController | null = null
  let seq = 0

  async function update(value: string): Promise<void> {
    const mine = ++seq
    if (serverTokenizer === false || value.trim() === '') {
      count.value = estimateTokens(value)
      chunks.value = null
      estimated.value = serverTokenizer === false
      return
    }
    controller?.abort()
    controller = new AbortController()
    const res = await api.tokenize(value, controller.signal, negative)
    if (mine !== seq) return
    if (res.ok && typeof res.data?.tokenCount === 'number') {
      serverTokenizer = true
      count.value = res.data.tokenCount
      chunks.value = Array.isArray(res.data.chunks) ? res.data.chunks.length : null
      estimated.value = false
    } else {
      if (!res.ok && res.kind === 'notFound') serverTokenizer = false
      count.value = estimateTokens(value)
      chunks.value = null
      estimated.value = true
    }
  }

  watch(
    text,
    (value) => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => void update(value), delayMs)
    },
    { immediate: true },
  )
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer)
    controller?.abort()
  })
  return { count, estimated, chunks }
}
