import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '../src/App.vue'
import { i18n, setLocale } from '../src/i18n'
import { useSettingsStore } from '../src/stores/settings'
import { useUiStore, type TabName } from '../src/stores/ui'
import { mockFetch } from './helpers'

beforeEach(() => {
  localStorage.clear()
  vi.spyOn(console, 'debug').mockImplementation(() => {})
  vi.stubGlobal(
    'matchMedia',
    vi.fn(() => ({ matches: false, addEventListener: vi.fn(), removeEventListener: vi.fn() })),
  )
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  setLocale('en')
})

const TABS: TabName[] = ['txt2img', 'img2img', 'extras', 'pnginfo', 'gallery', 'settings']

describe('App smoke test (server without any endpoint)', () => {
  it('renders every tab without console errors or warnings', async () => {
    mockFetch([])
    const error = vi.spyOn(console, 'error')
    const warn = vi.spyOn(console, 'warn')
    const pinia = createPinia()
    setActivePinia(pinia)
    useSettingsStore().loadLocal()
    const wrapper = mount(App, { global: { plugins: [pinia, i18n] }, attachTo: document.body })
    await flushPromises()
    for (const id of ['lang-switch', 'lang-en', 'lang-zh', 'theme-switch', 'checkpoint-select', ...TABS.map((t) => `tab-${t}`)]) {
      expect(wrapper.find(`[data-testid="${id}"]`).exists(), id).toBe(true)
    }
    const ui = useUiStore()
    const expected: Record<TabName, string[]> = {
      txt2img: ['prompt', 'negative-prompt', 'token-counter', 'generate', 'progress', 'infotext', 'seed'],
      img2img: ['prompt', 'img2img-input', 'generate'],
      extras: ['extras-input'],
      pnginfo: ['pnginfo-input', 'pnginfo-output', 'send-to-txt2img', 'send-to-img2img'],
      gallery: ['gallery-grid', 'gallery-search'],
      settings: ['settings-save'],
    }
    for (const tab of TABS) {
      ui.show(tab)
      // Tabs other than txt2img are lazy-loaded chunks: wait for the import and the render it triggers.
      await vi.dynamicImportSettled()
      await flushPromises()
      await vi.waitFor(() => expect(wrapper.find(`[data-testid="panel-${tab}"]`).exists(), tab).toBe(true))
      expect(wrapper.find(`[data-testid="panel-${tab}"]`).exists(), tab).toBe(true)
      for (const id of expected[tab]) expect(wrapper.find(`[data-testid="${id}"]`).exists(), `${tab}/${id}`).toBe(true)
      // only the active panel is rendered: test ids stay unique
      expect(wrapper.findAll('[data-testid="prompt"]').length).toBeLessThanOrEqual(1)
    }
    ui.showImg2Img('inpaint')
    await vi.dynamicImportSettled()
    await flushPromises()
    expect(wrapper.find('[data-testid="inpaint-input"]').exists()).toBe(true)
    await wrapper.find('[data-testid="lang-zh"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="tab-settings"]').text()).toBe('设置')
    expect(error).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('edits emphasis with Ctrl+Up in the prompt', async () => {
    mockFetch([])
    const pinia = createPinia()
    setActivePinia(pinia)
    const wrapper = mount(App, { global: { plugins: [pinia, i18n] }, attachTo: document.body })
    await flushPromises()
    const ta = wrapper.find('[data-testid="prompt"]')
    const el = ta.element as HTMLTextAreaElement
    await ta.setValue('a cat')
    el.setSelectionRange(3, 3)
    await ta.trigger('keydown', { key: 'ArrowUp', ctrlKey: true })
    expect(el.value).toBe('a (cat:1.1)')
    wrapper.unmount()
  })
})
