"""The `convenant` console script: the project's manage.py."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings now, to report what is missing
    except ImproperlyConfigured as error:
        # Django would go on and fail later with a less helpful message.
        sys.exit(f"convenant: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
