"""One module per screen; dialogs are ModalScreen[T] returning their answer with dismiss()."""
