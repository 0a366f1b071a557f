"""How long free text may be: one set of limits for every form, API schema and action, so a
mistaken paste or a hostile script cannot store megabytes in a reason, and a person sees the
limit before typing (the browser's maxlength and a hint under the field)."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext

from convenant.core.errors import ActionError

LINE = 300  # one line: a name, a title, a place
MESSAGE = 5_000  # a reason for a decision, a message, an answer
TEXT = 20_000  # an account: what happened, who was involved, the sources, a description
PASTE = 200_000  # a table pasted to be read (exchange rates), never stored as it is


def _hint(limit: int, before: Any = "") -> str:
    words = gettext("At most %(count)s characters.") % {
        "count": number_format(limit, force_grouping=True)
    }
    return f"{before} {words}" if before else words


hint = lazy(_hint, str)
"""The visible hint for a form field's help text, in the reader's language (lazy), after the
field's own help text if it has one: ``help_text=limits.hint(limits.TEXT, _("…"))``."""


def text_field(limit: int, **kwargs: Any) -> dict[str, Any]:
    """The keyword arguments that limit a form's CharField and show the limit:
    ``forms.CharField(label=…, **limits.text_field(limits.MESSAGE))``."""
    return {"max_length": limit, "help_text": hint(limit, kwargs.pop("help_text", ""))}


def check_length(value: str, limit: int, *, field: str) -> str:
    """For actions: refuse text over the limit with a clear message on the field."""
    if len(value) > limit:
        raise ActionError(
            gettext("This text is too long: at most %(n)s characters.")
            % {"n": number_format(limit, force_grouping=True)},
            field=field,
        )
    return value
