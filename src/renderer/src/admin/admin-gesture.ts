const HOLD_MS = 3000

/**
 * Operators open the admin panel with a 3-second press in the top-left corner (touch screens) or Ctrl+Shift+A
 * (keyboards). Visitors will not find either by accident.
 */
export function installAdminGesture(open: () => void): () => void {
  const hotspot = document.createElement('div')
  hotspot.className = 'admin-hotspot'
  hotspot.setAttribute('aria-hidden', 'true')
  document.body.append(hotspot)

  let timer: ReturnType<typeof setTimeout> | undefined
  const cancel = () => {
    clearTimeout(timer)
    timer = undefined
  }
  const start = (event: PointerEvent) => {
    event.preventDefault()
    cancel()
    timer = setTimeout(open, HOLD_MS)
  }
  hotspot.addEventListener('pointerdown', start)
  hotspot.addEventListener('pointerup', cancel)
  hotspot.addEventListener('pointerleave', cancel)
  hotspot.addEventListener('pointercancel', cancel)

  const onKey = (event: KeyboardEvent) => {
    if (event.ctrlKey && event.shiftKey && event.key.toLowerCase() === 'a') {
      event.preventDefault()
      open()
    }
  }
  window.addEventListener('keydown', onKey)
  return () => {
    cancel()
    hotspot.remove()
    window.removeEventListener('keydown', onKey)
  }
}
