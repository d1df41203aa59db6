import { onBeforeUnmount, onMounted } from 'vue'

/** Ctrl+Enter generates, Esc interrupts while running (active only while the tab is mounted). */
export function useGenerationKeys(handlers: { generate: () => void; interrupt: () => void; running: () => boolean }) {
  function onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented) return
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault()
      handlers.generate()
    } else if (e.key === 'Escape' && handlers.running()) {
      const open = document.querySelector('.n-modal-container .n-modal, .n-base-select-menu')
      if (open) return
      handlers.interrupt()
    }
  }
  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}
