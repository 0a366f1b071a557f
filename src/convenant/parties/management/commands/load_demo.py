"""`convenant load_demo`: load (or refresh) the fictional demo covenant and print the log-ins."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from convenant.parties import demo


class Command(BaseCommand):
    help = "Load the demo covenant with fictional funds and people (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = demo.load_demo_covenant()
        self.stdout.write(
            f"Demo covenant loaded: {counts['parties']} parties, of which {counts['funds']} "
            f"(fictional) pension funds; {counts['people']} people."
        )
        self.stdout.write(
            f"\nDemo log-ins at {settings.BASE_URL}/login/ (password for all: {demo.DEMO_PASSWORD})"
        )
        width = max(len(demo.demo_email(p.key)) for p in demo.PEOPLE)
        for person in demo.PEOPLE:
            self.stdout.write(f"  {demo.demo_email(person.key):<{width}}  {person.what}")
