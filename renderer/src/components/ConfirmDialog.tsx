import type { ReactNode } from 'react'
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components'

interface Props {
  isOpen: boolean
  /** The question, as the dialog's title. */
  title: string
  /** What happens on confirming, said on the button (never just "OK"). */
  confirmLabel: string
  /** The way back, which changes nothing. */
  cancelLabel: string
  /** Confirming destroys something (the button is styled as a warning). */
  destructive?: boolean
  onConfirm: () => void
  onCancel: () => void
  children: ReactNode
}

/**
 * A modal confirmation (React Aria): titled, focus kept inside while open and on the safe choice
 * first, Esc or a click outside cancels, and focus goes back where it was when it closes.
 */
export function ConfirmDialog({
  isOpen,
  title,
  confirmLabel,
  cancelLabel,
  destructive = false,
  onConfirm,
  onCancel,
  children,
}: Props) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      isDismissable
      onOpenChange={(open) => {
        if (!open) onCancel()
      }}
    >
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog">
          <Heading slot="title" className="dialog__title">
            {title}
          </Heading>
          <div className="dialog__body">{children}</div>
          <div className="form__actions">
            <Button className="button" autoFocus onPress={onCancel}>
              {cancelLabel}
            </Button>
            <Button
              className={destructive ? 'button button--danger' : 'button button--primary'}
              onPress={onConfirm}
            >
              {confirmLabel}
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  )
}
