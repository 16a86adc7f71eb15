// @vitest-environment happy-dom
import '@testing-library/jest-dom/vitest'
import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { isTyping, useShortcut } from '../../../renderer/src/app/shortcuts'

// One "the user is typing" rule for every shortcut: text fields, text areas, drop-down lists
// and editable regions keep their keys; anything else lets the shortcut through.

afterEach(cleanup)

function Page({ onR }: { onR: () => void }) {
  useShortcut(['r', 'shift+r'], onR)
  return (
    <div>
      <button>Plain button</button>
      <input aria-label="Text" />
      <textarea aria-label="Notes" />
      <select aria-label="Choice">
        <option>One</option>
      </select>
      <div aria-label="Editable" contentEditable suppressContentEditableWarning>
        x
      </div>
      <div role="alertdialog">
        <button>In dialog</button>
      </div>
    </div>
  )
}

const press = (el: Element, key = 'r', code = 'KeyR', shiftKey = false) => {
  fireEvent.keyDown(el, { key, code, shiftKey })
  fireEvent.keyUp(el, { key, code, shiftKey })
}

describe('isTyping', () => {
  it('is true in inputs, text areas, selects and editable regions only', () => {
    const make = (html: string) => {
      const host = document.createElement('div')
      host.innerHTML = html
      document.body.append(host)
      return host.firstElementChild
    }
    expect(isTyping(make('<input>'))).toBe(true)
    expect(isTyping(make('<textarea></textarea>'))).toBe(true)
    expect(isTyping(make('<select></select>'))).toBe(true)
    expect(isTyping(make('<button>b</button>'))).toBe(false)
    expect(isTyping(make('<div tabindex="0" role="grid"></div>'))).toBe(false)
    expect(isTyping(null)).toBe(false)
  })
})

describe('useShortcut', () => {
  it('fires outside fields (with or without Shift) and never while typing or inside a dialog', () => {
    const onR = vi.fn()
    render(<Page onR={onR} />)
    press(screen.getByRole('button', { name: 'Plain button' }))
    press(document.body, 'R', 'KeyR', true)
    expect(onR).toHaveBeenCalledTimes(2)
    press(screen.getByLabelText('Text'))
    press(screen.getByLabelText('Notes'))
    press(screen.getByLabelText('Choice'))
    press(screen.getByLabelText('Editable'))
    press(screen.getByRole('button', { name: 'In dialog' }))
    expect(onR).toHaveBeenCalledTimes(2)
  })
})
