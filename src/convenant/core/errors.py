"""The error an action raises when a request cannot be carried out as asked."""

from typing import Any

from django.core.exceptions import ValidationError


class ActionError(ValidationError):
    """A clear, user-facing reason why an action changed nothing. Views show the message on
    the form; the API answers 400 (or 409 for conflicts) with it."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.field = field


def show_on_form(form: Any, error: ActionError) -> None:
    """Put an action's error on the form field it names, or on the form as a whole."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.messages[0])
