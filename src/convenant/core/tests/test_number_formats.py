"""Counts on pages carry the reader's thousands separator: "1,234" in English, "1.234" in
Dutch — page numbers and search totals as well as amounts."""

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "Page 1,200 of 1,234"), ("nl", "Pagina 1.200 van 1.234")]
)
def test_page_numbers_have_thousands_separators(language: str, shown: str) -> None:
    page = Paginator(range(123_400), 100).page(1_200)
    with translation.override(language):
        html = render_to_string(
            "core/_pagination.html", {"page": page}, request=RequestFactory().get("/")
        )
    assert shown in html
    assert "?page=1201" in html  # links keep plain numbers


@pytest.mark.parametrize(("language", "total"), [("en", "12,345"), ("nl", "12.345")])
def test_search_totals_have_thousands_separators(language: str, total: str) -> None:
    group = {"label": "Issuers", "total": 12_345, "hits": [{"url": "/", "title": "A"}]}
    with translation.override(language):
        html = render_to_string("core/_search_results.html", {"q": "a", "groups": [group]})
    assert f'<span class="badge">{total}</span>' in html
    assert f" {total}" in html.split("</h2>")[1]  # "Showing 1 of 12,345"
