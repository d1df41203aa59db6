import { onBeforeUnmount, onMounted } from 'vue'

/** Selectors of overlays that Esc closes first (Naive UI keeps a closed select menu in the DOM, hidden). */
const OVERLAYS = '.n-modal-container .n-modal, .n-base-select-menu, .n-dropdown-menu'

/** True when a modal, select menu or dropdown menu is open (present and visible), so Esc belongs to it. */
export function overlayOpen(root: ParentNode = document): boolean {
  return Array.from(root.querySelectorAll<HTMLElement>(OVERLAYS)).some((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
}

/** Ctrl+Enter generates, Esc interrupts while running (active only while the tab is mounted). */
export function useGenerationKeys(handlers: { generate: () => void; interrupt: () => void; running: () => boolean }) {
  function onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented) return
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault()
      handlers.generate()
    } else if (e.key === 'Escape' && handlers.running()) {
      if (overlayOpen()) return
      handlers.interrupt()
    }
  }
  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}
