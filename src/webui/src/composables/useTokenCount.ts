import { onBeforeUnmount, ref, watch, type Ref } from 'vue'
import { api } from '../api/endpoints'
import { estimateTokens } from '../utils/tokens'

let serverTokenizer: boolean | null = null

/** Debounced token count of a prompt (server tokenizer, falling back to a local estimate). */
export function useTokenCount(text: Ref<string>, delayMs = 300, negative = false) {
  const count = ref(estimateTokens(text.value))
  const estimated = ref(serverTokenizer !== true)
  let timer: ReturnType<typeof setTimeout> | null = null
  let controller: AbortController | null = null
  let seq = 0

  async function update(value: string): Promise<void> {
    const mine = ++seq
    if (serverTokenizer === false || value.trim() === '') {
      count.value = estimateTokens(value)
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
      estimated.value = false
    } else {
      if (!res.ok && res.kind === 'notFound') serverTokenizer = false
      count.value = estimateTokens(value)
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
  return { count, estimated }
}
