"""Every page links convenant's favicon, and the icon is served as SVG."""

from urllib.request import urlopen

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from pytest_django.live_server_helper import LiveServer


@pytest.mark.django_db
def test_pages_link_the_favicon_and_it_is_an_svg() -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<link rel="icon" href="/static/convenant/favicon.svg" type="image/svg+xml">' in page
    found = finders.find("convenant/favicon.svg")
    assert found, "collectstatic would ship no favicon"
    with open(found, encoding="utf-8") as icon:
        assert icon.read().startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_the_favicon_is_served(live_server: LiveServer) -> None:
    with urlopen(f"{live_server.url}/static/convenant/favicon.svg") as response:  # noqa: S310
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("image/svg+xml")
