"""The error an action raises when a request cannot be carried out as asked."""

from django.core.exceptions import ValidationError


class ActionError(ValidationError):
    """A clear, user-facing reason why an action changed nothing. Views show the message on
    the form; the API answers 400 (or 409 for conflicts) with it."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.field = field
