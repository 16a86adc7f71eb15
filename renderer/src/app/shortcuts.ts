import { useHotkeys, type HotkeyCallback, type Keys } from 'react-hotkeys-hook'

/**
 * The one "the user is typing" rule: a key pressed in a text field, a text area, a drop-down list
 * or an editable region belongs to that field, never to a shortcut.
 */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT'
}

/** Keys pressed inside an open dialog belong to the dialog (it handles Esc itself). */
function inDialog(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('[role="dialog"], [role="alertdialog"]') !== null
}

export interface ShortcutOptions {
  /** Off while false (e.g. a dialog of this page is open). */
  enabled?: boolean
  /** Match the character the key produces (for `/`, wherever a keyboard layout puts it). */
  byCharacter?: boolean
}

/**
 * Every keyboard shortcut of the app goes through here (react-hotkeys-hook), with the one typing
 * rule above. Without an element the shortcut is page-wide; attach the returned ref to an element
 * to have the keys only while focus is inside it (the worklist grid).
 */
export function useShortcut<T extends HTMLElement = HTMLElement>(
  keys: Keys,
  callback: HotkeyCallback,
  options: ShortcutOptions = {},
) {
  return useHotkeys<T>(keys, callback, {
    enabled: options.enabled ?? true,
    useKey: options.byCharacter ?? false,
    // The library's own form-field rule is replaced by ours, so there is exactly one.
    enableOnFormTags: true,
    enableOnContentEditable: true,
    ignoreEventWhen: (e) => isTyping(e.target) || inDialog(e.target),
    preventDefault: true,
  })
}
