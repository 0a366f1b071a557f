"""`convenant export_openapi`: write the API's OpenAPI document to docs/openapi.json.
The test suite fails when the committed document and the code disagree."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from convenant.api import api

DEFAULT_PATH = Path(__file__).resolve().parents[5] / "docs" / "openapi.json"


def openapi_document() -> str:
    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document of /api/v1/ to docs/openapi.json."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, default=DEFAULT_PATH)

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        output.write_text(openapi_document(), encoding="utf-8")
        self.stdout.write(f"Wrote {output}")
