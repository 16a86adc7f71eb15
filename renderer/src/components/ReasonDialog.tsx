import { useState, type ReactNode } from 'react'
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components'
import { Field } from './Field'

interface Props {
  isOpen: boolean
  title: string
  confirmLabel: string
  /** Saves with the reason; answers an error to show, or null when done. */
  onConfirm: (reason: string) => Promise<string | null>
  onCancel: () => void
  children: ReactNode
}

/**
 * A modal that asks why before a correction ("entered in error"): the reason is required, Esc or
 * "Keep it" changes nothing. Same behaviour as ConfirmDialog (React Aria).
 */
export function ReasonDialog({ isOpen, title, confirmLabel, onConfirm, onCancel, children }: Props) {
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const close = () => {
    setReason('')
    setError(null)
    onCancel()
  }
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      isDismissable
      onOpenChange={(open) => {
        if (!open) close()
      }}
    >
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog">
          <Heading slot="title" className="dialog__title">
            {title}
          </Heading>
          <div className="dialog__body">
            {children}
            <Field
              label="Why"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              error={error ?? undefined}
            />
          </div>
          <div className="form__actions">
            <Button className="button" onPress={close}>
              Keep it
            </Button>
            <Button
              className="button button--danger"
              onPress={async () => {
                if (reason.trim() === '') return setError('Say why, in a few words.')
                const problem = await onConfirm(reason.trim())
                if (problem) setError(problem)
                else setReason('')
              }}
            >
              {confirmLabel}
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  )
}
