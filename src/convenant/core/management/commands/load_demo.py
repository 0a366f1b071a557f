"""`convenant load_demo`: load (or refresh) the fictional demo covenant, every app's part in
order, and print the log-ins."""

from typing import Any

from django.core.management.base import BaseCommand

from convenant.core.demo import loaders


class Command(BaseCommand):
    help = "Load the demo covenant with fictional funds, people and data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for loader in loaders():
            self.stdout.write(loader.load())
