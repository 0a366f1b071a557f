"""Speed of the busiest pages with the demo covenant loaded (about 100 parties): wall time
per request and the number of database queries, which must not grow with the number of rows.

Run by `make bench` (which starts a throwaway PostgreSQL and migrates it).
"""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings_test")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from convenant.core.models import User  # noqa: E402
from convenant.parties import demo  # noqa: E402

ROUNDS = 20


def measure(client: Client, url: str, rounds: int = ROUNDS) -> tuple[float, float, int]:
    """Median and 95th percentile of a page's time in ms over ``rounds`` requests, after one
    to warm the caches, and the queries one request makes."""
    client.get(url)  # warm caches
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return statistics.median(times), p95, len(queries)


def main() -> None:
    demo.load_demo_covenant()
    anonymous = Client()
    secretariat = Client()
    secretariat.force_login(User.objects.get(email=demo.demo_email("secretariaat")))
    fund = Client()
    fund.force_login(User.objects.get(email=demo.demo_email("fonds-beheerder")))
    cases = [
        ("party-directory", anonymous, "/parties/"),
        ("party-page", fund, "/parties/pensioenfonds-zilvermeeuw/"),
        ("dashboard-secretariat", secretariat, "/dashboard/"),
        ("dashboard-fund", fund, "/dashboard/"),
        ("search", secretariat, "/search/?q=pensioenfonds"),
        ("api-parties", anonymous, "/api/v1/parties?limit=100"),
    ]
    for name, client, url in cases:
        ms, _p95, queries = measure(client, url)
        print(f"{name}-median = {ms:.1f} ms")
        print(f"{name}-queries = {queries} queries")


if __name__ == "__main__":
    main()
