"""The service under load: 50 people at once against the production stack at full scale.

Starts the stack the way production runs on one machine (`scripts/serve.sh`: gunicorn, a
Celery worker and beat, PostgreSQL and Redis on loopback) in a temporary state folder on a
free port, with an env file written first; loads the demo covenant into it (`convenant
load_demo`) and then brings it to full scale (this file's `--build` step, run against that
stack's database): 84 funds × 5,000 positions, written with COPY and scored, beside the
demo's signals, deep-track cases and reporting cycles. Then locust, as a library, plays 50
concurrent users for ``BENCH_LOAD_SECONDS`` (default 120 s) after a short ramp-up:

- 25 fund officers browsing their risks, issuers and holdings;
- 1 officer uploading a fund's published holdings list (a CSV of 3,000 rows) every so often
  and following its import job;
- 8 secretariat members on their dashboard, the covenant risks, signals and cases;
- 6 committee members in the reporting workspace;
- 10 anonymous visitors on the public pages and the intake (the form, now and then a report).

Prints, per kind of page, ``load-<page>-p50/p95/p99 = N ms`` and its count, then
``load-p95``, ``load-p99``, ``load-rps`` and ``load-errors`` (any HTTP status of 400 or
more, timeout or connection error; the first few are printed). Targets (printed, not
asserted): p95 at most 300 ms, no errors.

Run by `make bench`; alone: ``.venv/bin/python benchmarks/load.py``. Takes 10–15 min on a
2-core machine, most of it migrating and loading. To play the crowd again against a stack that
is still running: ``BENCH_LOAD_HOST=http://127.0.0.1:PORT BENCH_LOAD_PLAN=plan.json`` (the
plan the ``--build`` step wrote). Each person reads a page for 3–10 s before the next one.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
USERS = 50
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "120"))
# People started per second: a 25 s ramp-up, so that 40 log-ins (each a deliberately slow
# password hash) do not all land in the same second, as they would not in real life.
SPAWN_RATE = 2
THINK = (3.0, 10.0)  # seconds a person reads a page before the next one
TIMEOUT = 30  # seconds before a request counts as an error
READY_TIMEOUT = 600  # seconds for serve.sh to print its ready line (it migrates first)
TARGET_P95_MS = 300
FUNDS = 84
POSITIONS = 5_000
EXTRA_COMPANIES = 15_000  # beside the demo's 5,000: the funds choose from 20,000
FULL_AS_OF = "2025-03-31"  # after the demo's own snapshots, so these are each fund's latest
UPLOAD_ROWS = 3_000
PASSWORD = "load-bench-password-1"  # noqa: S105 - fictional accounts in a throwaway stack
DOMAIN = "load.convenant.example"
# The whole crowd arrives from one loopback address, so the limits per client (failed
# log-ins, intake reports) are raised for the run: real people do not share them.
RAISED_PER_CLIENT_LIMITS = {
    "LOGIN_FAILURES_PER_CLIENT": "100000",
    "SIGNALS_REPORTS_PER_CLIENT": "100000",
}


# --- The full-scale step, run against the stack's database (``load.py --build PLAN``) ---------


def build(plan_path: Path) -> None:
    """Bring the loaded demo to full scale and write the plan (accounts, ids) the users need."""
    import io
    import random

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Sum

    from convenant.core.access import Role
    from convenant.core.models import Job, User
    from convenant.parties.models import Membership, Party
    from convenant.portfolios import demo_files, index_mix
    from convenant.portfolios.importing.write import partition_name
    from convenant.portfolios.models import Issuer, IssuerIdentifier, Snapshot
    from convenant.risk.actions import refresh_covenant_risks, score_snapshot

    why = "load benchmark set-up"
    as_of = datetime.date.fromisoformat(FULL_AS_OF)
    rng = random.Random(17)
    issuers = Issuer.objects.unrestricted(why)
    start = time.perf_counter()
    demo_ids = list(
        issuers.current()
        .filter(source=Issuer.Source.GLEIF)
        .exclude(legal_name__startswith="Fictief Bedrijf ")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not issuers.filter(legal_name__startswith="Fictief Bedrijf ").exists():
        sectors = list(
            issuers.exclude(sector_code="")
            .values_list("sector_code", "sector_name")
            .distinct()[:40]
        )
        countries = ["US", "US", "US", "NL", "DE", "FR", "GB", "JP", "JP", "CN", "IN", "BR"]
        new = []
        for n in range(EXTRA_COMPANIES):
            code, name = rng.choice(sectors)
            country = rng.choice(countries)
            new.append(
                Issuer(
                    legal_name=f"Fictief Bedrijf {n:05d} N.V.",
                    source=Issuer.Source.GLEIF,
                    sector_code=code,
                    sector_name=name,
                    country_of_incorporation=country,
                    country_of_operations=country,
                )
            )
        Issuer.objects.bulk_create(new, batch_size=5000)
    universe = demo_ids + list(
        issuers.filter(legal_name__startswith="Fictief Bedrijf ")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    names = dict(issuers.filter(pk__in=universe).values_list("pk", "legal_name"))
    country_of = dict(issuers.filter(pk__in=universe).values_list("pk", "country_of_incorporation"))
    # The demo's companies first: the largest, held by most funds (Zipf-like).
    weights = [1 / (rank + 10) for rank in range(len(universe))]
    funds = list(Party.objects.funds().active(as_of).order_by("code")[:FUNDS])
    done = set(
        Snapshot.objects.unrestricted(why).filter(as_of=as_of).values_list("fund_id", flat=True)
    )
    for fund in funds:
        if fund.pk in done:
            continue
        held: set[int] = set()
        while len(held) < POSITIONS:
            held.update(rng.choices(universe, weights=weights, k=POSITIONS - len(held)))
        values = [rng.randint(10_000, 50_000_000) for _ in held]
        snapshot = Snapshot.objects.unrestricted(why).create(
            fund=fund,
            as_of=as_of,
            source_name=f"volledige-schaal-{fund.code}.csv",
            positions_count=POSITIONS,
            total_value_eur=sum(values),
            matched_value_eur=sum(values),
        )
        out = io.StringIO()
        for row, (issuer_id, value) in enumerate(zip(sorted(held), values, strict=True), 1):
            name = names[issuer_id].replace("\t", " ").replace("\\", "")
            out.write(
                f"{snapshot.pk}\t{row}\t{issuer_id}\t{name}\t\t\t{country_of[issuer_id]}\t\t"
                f"EUR\t{value}\t{value}\tmatched\tcompany\tisin\t100\n"
            )
        with connection.cursor() as cursor:
            cursor.execute(
                f'CREATE TABLE "{partition_name(snapshot.pk)}" PARTITION OF '
                f"portfolios_position FOR VALUES IN ({snapshot.pk})"
            )
            columns = (
                "snapshot_id, row, issuer_id, name, isin, lei, country, sector, currency, "
                "market_value, value_eur, status, kind, match_method, match_confidence"
            )
            with cursor.copy(f"COPY portfolios_position ({columns}) FROM STDIN") as copy:
                copy.write(out.getvalue())
        score_snapshot(snapshot.pk)
    refresh_covenant_risks()
    positions = (
        Snapshot.objects.unrestricted(why)
        .filter(as_of=as_of)
        .aggregate(n=Sum("positions_count"))["n"]
    )
    print(
        f"load-build-holdings = {time.perf_counter() - start:.0f} s "
        f"({len(funds)} funds, {positions:,} positions scored)"
    )

    # The people: one account each, so sessions and second factors are their own.
    def person(key: str, party: Party, role: Role) -> str:
        email = f"{key}@{DOMAIN}"
        user, made = User.objects.unrestricted(why).get_or_create(
            email=email, defaults={"full_name": f"Load {key}"}
        )
        if made or not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.unrestricted(why).update_or_create(
            user=user, party=party, defaults={"role": role}
        )
        return email

    snapshots = dict(
        Snapshot.objects.unrestricted(why).filter(as_of=as_of).values_list("fund_id", "pk")
    )
    officers = []
    for n, fund in enumerate(funds[:25]):
        snapshot = snapshots[fund.pk]
        with connection.cursor() as cursor:  # companies this fund holds, to open
            cursor.execute(f'SELECT issuer_id FROM "{partition_name(snapshot)}"')  # noqa: S608 - our own table
            held = rng.sample([issuer for (issuer,) in cursor.fetchall()], 40)
        officers.append(
            {
                "email": person(f"fonds-{n + 1:02d}", fund, Role.EDITOR),
                "snapshot": snapshot,
                "issuers": held,
            }
        )
    upload_fund = funds[25]
    uploader = person("fonds-upload", upload_fund, Role.EDITOR)
    secretariat = Party.objects.get(code="SER")
    committee = Party.objects.get(code="MC")
    seats = [person(f"secretariaat-{n + 1}", secretariat, Role.ADMINISTRATOR) for n in range(8)]
    members = [person(f"commissie-{n + 1}", committee, Role.EDITOR) for n in range(6)]

    # A published holdings list of the upload fund: the demo's own layout, 3,000 rows.
    first_isin: dict[int, tuple[str, ...]] = {}
    for issuer_id, *row in (
        IssuerIdentifier.objects.unrestricted(why)
        .filter(issuer__source=Issuer.Source.GLEIF)
        .order_by("issuer_id", "value")
        .values_list(
            "issuer_id",
            "value",
            "issuer__legal_name",
            "issuer__country_of_incorporation",
            "issuer__sector_name",
            "issuer__lei",
        )
    ):
        first_isin.setdefault(issuer_id, tuple(row))
    listing = [
        (isin, name, country, sector, index_mix.size_of(lei or isin, country))
        for isin, name, country, sector, lei in first_isin.values()
    ]
    upload = plan_path.parent / "published-list.csv"
    demo_files.write_labelled_csv(upload, random.Random("upload"), listing, UPLOAD_ROWS)

    # Second factors: when two-factor authentication is installed, each secretariat and
    # committee member gets a confirmed TOTP device (the demo's own people may have one).
    factors: dict[str, dict[str, object]] = {}
    if "django_otp.plugins.otp_totp" in settings.INSTALLED_APPS:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for email in [*seats, *members, uploader, *(o["email"] for o in officers)]:
            user = User.objects.unrestricted(why).get(email=email)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None and email in (*seats, *members):
                device = TOTPDevice.objects.create(user=user, name="load (fictief)")
            if device is not None:
                factors[email] = {
                    "key": device.key,
                    "step": device.step,
                    "t0": device.t0,
                    "digits": device.digits,
                }

    from convenant.reporting.models import Cycle, MonitoringReport, Submission

    cycles = list(Cycle.objects.unrestricted(why).order_by("reference_date"))
    published = list(
        MonitoringReport.objects.unrestricted(why)
        .filter(state=MonitoringReport.State.PUBLISHED)
        .values_list("cycle__label", flat=True)
    )
    submissions = list(
        Submission.objects.unrestricted(why)
        .filter(cycle__in=cycles)
        .exclude(state__in=["not_started", "in_progress"])
        .order_by("-pk")
        .values_list("pk", flat=True)[:60]
    )
    reports = list(
        MonitoringReport.objects.unrestricted(why).values_list("cycle__label", flat=True)
    )
    from convenant.reporting.models import Framework

    # The worker still scores the demo's imports: wait for it, so the load meets a quiet queue.
    deadline = time.monotonic() + 600
    while (
        Job.objects.unrestricted(why)
        .filter(state__in=[Job.State.QUEUED, Job.State.RUNNING])
        .exists()
        and time.monotonic() < deadline
    ):
        time.sleep(2)
    plan = {
        "officers": officers,
        "uploader": {"email": uploader, "fund": upload_fund.pk, "file": str(upload)},
        "secretariat": seats,
        "committee": members,
        "factors": factors,
        "cycles": [c.label for c in cycles],
        "reports": reports,
        "published": published,
        "submissions": submissions,
        "frameworks": list(Framework.objects.values_list("version", flat=True)),
    }
    plan_path.write_text(json.dumps(plan, indent=1))
    print(f"load-build-total = {time.perf_counter() - start:.0f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    print(f"load-database-size = {size / 2**20:.0f} MB")


if __name__ == "__main__" and sys.argv[1:2] == ["--build"]:
    build(Path(sys.argv[2]))
    sys.exit(0)


# --- The stack ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_env_file(folder: Path, redis_port: int) -> dict[str, str]:
    import secrets

    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BASE_URL": "https://localhost",
        "DEFAULT_FROM_EMAIL": "convenant@localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "mail"),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        "CONVENANT_DATA_DIR": str(folder / "data"),
        "STATIC_ROOT": str(folder / "static"),
        "HOLDINGS_UPLOAD_DIR": str(folder / "data" / "uploads"),
        "SIGNALS_UPLOAD_DIR": str(folder / "data" / "signals"),
        **RAISED_PER_CLIENT_LIMITS,
    }
    env_file = folder / "convenant.env"
    env_file.touch(mode=0o600)
    env_file.write_text(
        "# Written by benchmarks/load.py for one run on loopback.\n"
        + "".join(f"{key}={value}\n" for key, value in values.items())
    )
    return values


class Stack:
    """scripts/serve.sh in its own process group; stopped with SIGTERM (then SIGKILL)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.redis_port = free_port()
        self.values = write_env_file(folder, self.redis_port)
        self.log = folder / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def database_url(self) -> str:
        return f"postgres://convenant@/convenant?host={self.folder / 'pg' / 'run'}"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.pop("DATABASE_URL", None)  # make bench's own throwaway database
        return {
            **env,
            **self.values,
            "CONVENANT_SERVE_DIR": str(self.folder),
            "CONVENANT_ENV_FILE": str(self.folder / "convenant.env"),
            "PORT": str(self.port),
            "REDIS_PORT": str(self.redis_port),
            "READY_TIMEOUT": str(READY_TIMEOUT),  # migrating a new database takes a while
            "WEB_WORKERS": os.environ.get("WEB_WORKERS", "4"),
        }

    def start(self) -> None:
        script = os.environ.get("BENCH_SERVE_SCRIPT", str(ROOT / "scripts" / "serve.sh"))
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [script],
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        ready = f"convenant: serving on http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + READY_TIMEOUT + 120  # serve.sh gives up first, saying why
        while time.monotonic() < deadline:
            if ready in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"serve.sh did not get ready; the end of its log:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def run(self, *command: str) -> None:
        """A command against the stack's database, with its production settings."""
        env = {
            **self.environment(),
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "convenant.settings",
        }
        subprocess.run(command, cwd=ROOT, env=env, check=True)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                print("# serve.sh did not stop within 90 s: killing its process group")
            except ProcessLookupError:
                pass
        # Whatever is left of the group (also after serve.sh itself has gone).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        subprocess.run(
            [str(ROOT / "scripts" / "pg.sh"), "stop", str(self.folder / "pg")],
            check=False,
            capture_output=True,
        )


# --- Where the CPU goes ---------------------------------------------------------------------


def cpu_seconds_by_tier(folder: Path | None) -> dict[str, float]:
    """CPU time (user + system) used so far by the stack's processes, by tier, and by this
    process (the load generator). The stack's processes carry its folder in their environment
    (serve.sh's children) or descend from a postmaster whose command names it."""
    import psutil

    tiers = {"web": 0.0, "worker": 0.0, "database": 0.0, "redis": 0.0}
    for process in psutil.process_iter(["name", "cmdline"]):
        try:
            command = " ".join(process.info["cmdline"] or [])
            if "gunicorn" in command:
                tier = "web"
            elif "celery" in command:
                tier = "worker"
            elif command.startswith("postgres") or process.info["name"] == "postgres":
                tier = "database"
            elif (process.info["name"] or "").startswith("redis-server"):
                tier = "redis"
            else:
                continue
            if folder is not None:
                lineage = [process, *process.parents()][:3]
                if not any(str(folder) in " ".join(p.cmdline()) for p in lineage) and (
                    process.environ().get("CONVENANT_SERVE_DIR") != str(folder)
                ):
                    continue
            times = process.cpu_times()
            tiers[tier] += times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    own = psutil.Process().cpu_times()
    tiers["load generator"] = own.user + own.system
    return tiers


# --- The crowd (locust as a library) ------------------------------------------------------


def totp(factor: dict[str, object], at: float | None = None) -> str:
    """The current code of a TOTP device (RFC 6238, as django-otp computes it)."""
    import hashlib
    import hmac
    import struct

    key = bytes.fromhex(str(factor["key"]))
    step, t0, digits = int(factor["step"]), int(factor["t0"]), int(factor["digits"])  # type: ignore[call-overload]
    counter = int(((at or time.time()) - t0) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def forms_of(html: str) -> list[dict[str, object]]:
    """The POST forms of a page: action and inputs (name, type, value, autocomplete)."""
    from html.parser import HTMLParser

    found: list[dict[str, object]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag == "form":
                found.append(
                    {"action": a.get("action", ""), "method": a.get("method", "get"), "inputs": []}
                )
            elif tag in ("input", "textarea", "select") and found and a.get("name"):
                found[-1]["inputs"].append(a)  # type: ignore[union-attr]

    Parser().feed(html)
    return [f for f in found if str(f["method"]).lower() == "post"]


def crowd(host: str, plan: dict[str, Any], folder: Path | None = None) -> None:
    """50 people for ``SECONDS`` against the stack at ``host``, then the figures."""
    import gevent
    from locust import HttpUser, between, task
    from locust.env import Environment

    errors: list[str] = []

    import http.cookiejar

    # Production cookies are Secure (and __Host- prefixed); on loopback this client stands where
    # the TLS proxy would, so it sends them over plain http. requests copies cookies into new
    # jars with the default policy, so the policy itself is changed, in this process only.
    http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda *_: True  # type: ignore[method-assign]

    class Person(HttpUser):
        abstract = True
        wait_time = between(*THINK)
        host = ""

        def on_start(self) -> None:
            self.client.headers["X-Forwarded-Proto"] = "https"
            # Django checks a secure POST's Referer (there is no Origin, as from a form
            # of the same site); whether the proxy header is trusted or not, this passes.
            self.client.headers["Referer"] = f"https://127.0.0.1:{host.rsplit(':', 1)[1]}/"

        def get(self, name: str, url: str, **kw: object) -> object:
            return self.client.get(url, name=name, timeout=TIMEOUT, **kw)

        def post_form(
            self, name: str, url: str, html: str, data: dict[str, object], **kw: object
        ) -> object:
            token = ""
            for form in forms_of(html):
                for field in form["inputs"]:  # type: ignore[attr-defined]
                    if field.get("name") == "csrfmiddlewaretoken":
                        token = field.get("value", "")
            return self.client.post(
                url,
                data={"csrfmiddlewaretoken": token, **data},
                name=name,
                timeout=TIMEOUT,
                **kw,
            )

        def log_in(self, email: str) -> None:
            page = self.get("login", "/login/")
            response = self.post_form(
                "login", "/login/", page.text, {"username": email, "password": PASSWORD}
            )
            factor = plan["factors"].get(email)
            if factor and response.status_code == 200:
                for form in forms_of(response.text):
                    fields = form["inputs"]
                    code_field = next(
                        (f for f in fields if f.get("autocomplete") == "one-time-code"),
                        next(
                            (f for f in fields if f.get("name") in ("otp_token", "token", "code")),
                            None,
                        ),
                    )
                    if code_field is None:
                        continue
                    data = {
                        f["name"]: f.get("value", "") for f in fields if f.get("type") == "hidden"
                    }
                    data[code_field["name"]] = totp(factor)
                    action = form["action"] or response.url
                    response = self.client.post(
                        action, data=data, name="login-code", timeout=TIMEOUT
                    )
                    break
            if response.status_code != 200 or "/login/" in (response.url or "/login/"):
                errors.append(f"log-in of {email} did not get past {response.url}")
                gevent.sleep(10 * SECONDS)  # this person stays out until the end

    officers = iter(plan["officers"] * 2)
    secretariat = iter(plan["secretariat"] * 2)
    committee = iter(plan["committee"] * 2)
    import random as _random

    class FundOfficer(Person):
        weight = 25

        def on_start(self) -> None:
            super().on_start()
            self.me = next(officers)
            self.rng = _random.Random(self.me["email"])
            self.log_in(self.me["email"])

        @task(4)
        def risks(self) -> None:
            self.get("fund-risks", f"/holdings/{self.me['snapshot']}/risks/")

        @task(2)
        def risks_filtered(self) -> None:
            query = self.rng.choice(
                [
                    "priority=high&country=US",
                    "judged=no",
                    "theme=forced-labour",
                    "priority=very-high",
                ]
            )
            self.get("fund-risks-filtered", f"/holdings/{self.me['snapshot']}/risks/?{query}")

        @task(1)
        def risks_page(self) -> None:
            self.get(
                "fund-risks-page",
                f"/holdings/{self.me['snapshot']}/risks/?page={self.rng.randint(2, 40)}",
            )

        @task(2)
        def holdings(self) -> None:
            self.get("holdings-list", "/holdings/")

        @task(2)
        def snapshot(self) -> None:
            self.get("holdings-snapshot", f"/holdings/{self.me['snapshot']}/")

        @task(2)
        def positions(self) -> None:
            self.get("holdings-positions", f"/holdings/{self.me['snapshot']}/positions/")

        @task(2)
        def issuers(self) -> None:
            self.get("issuers-list", "/issuers/")

        @task(3)
        def issuer(self) -> None:
            self.get("issuer-page", f"/issuers/{self.rng.choice(self.me['issuers'])}/")

        @task(1)
        def dashboard(self) -> None:
            self.get("dashboard-fund", "/dashboard/")

    class Uploader(Person):
        fixed_count = 1
        # An officer uploads a fund's list now and then, not every few seconds: two or three
        # imports (parse, match, score in the worker) fall in the measured two minutes.
        wait_time = between(45, 75)
        uploads = 0

        def on_start(self) -> None:
            super().on_start()
            self.log_in(plan["uploader"]["email"])
            self.payload = Path(plan["uploader"]["file"]).read_bytes()

        @task
        def upload(self) -> None:
            Uploader.uploads += 1
            page = self.get("holdings-import-form", "/holdings/import/")
            # A date of its own for each upload, before the full-scale snapshots.
            day = datetime.date(2022, 1, 1) + datetime.timedelta(days=Uploader.uploads)
            response = self.post_form(
                "holdings-import",
                "/holdings/import/",
                page.text,
                {
                    "fund": plan["uploader"]["fund"],
                    "as_of": day.isoformat(),
                    "currency": "",
                    "import_valid_rows": "on",
                },
                files={"file": ("gepubliceerde-beleggingen.csv", self.payload, "text/csv")},
            )
            job_url = response.url
            if "/holdings/jobs/" not in job_url:
                errors.append(f"the upload did not lead to its job page but to {job_url}")
                return
            for _ in range(120):  # follow it as the page's htmx does, every second
                status = self.client.get(
                    job_url,
                    name="holdings-import-job",
                    headers={"HX-Request": "true"},
                    timeout=TIMEOUT,
                )
                if 'hx-trigger="every' not in status.text:
                    return
                gevent.sleep(1)
            errors.append(f"the import at {job_url} had not finished after two minutes")

    class Secretariat(Person):
        weight = 8

        def on_start(self) -> None:
            super().on_start()
            self.log_in(next(secretariat))

        @task(3)
        def dashboard(self) -> None:
            self.get("dashboard-secretariat", "/dashboard/")

        @task(3)
        def covenant_risks(self) -> None:
            self.get("covenant-risks", "/risks/covenant/")

        @task(2)
        def covenant_risks_filtered(self) -> None:
            query = _random.choice(
                ["priority=very-high&country=US", "theme=forced-labour", "priority=high"]
            )
            self.get("covenant-risks-filtered", f"/risks/covenant/?{query}")

        @task(2)
        def signals(self) -> None:
            self.get("signals-list", "/signals/")

        @task(1)
        def inbox(self) -> None:
            self.get("signals-inbox", "/signals/inbox/")

        @task(1)
        def cases(self) -> None:
            self.get("cases-board", "/cases/")

        @task(1)
        def parties(self) -> None:
            self.get("parties-list", "/parties/")

        @task(1)
        def search(self) -> None:
            self.get("search", "/search/?q=pensioenfonds")

    class Committee(Person):
        weight = 6

        def on_start(self) -> None:
            super().on_start()
            self.log_in(next(committee))

        @task(2)
        def review_home(self) -> None:
            self.get("review-home", "/reporting/review/")

        @task(3)
        def workspace(self) -> None:
            label = _random.choice(plan["cycles"])
            self.get("review-workspace", f"/reporting/review/{label}/")

        @task(1)
        def findings(self) -> None:
            label = _random.choice(plan["cycles"])
            self.get("review-findings", f"/reporting/review/{label}/findings/")

        @task(3)
        def submission(self) -> None:
            if plan["submissions"]:
                pk = _random.choice(plan["submissions"])
                self.get("review-submission", f"/reporting/review/submissions/{pk}/")

        @task(1)
        def report(self) -> None:
            if plan["reports"]:
                label = _random.choice(plan["reports"])
                self.get("report-page", f"/reporting/report/{label}/")

        @task(1)
        def dashboard(self) -> None:
            self.get("dashboard-committee", "/dashboard/")

    class Visitor(Person):
        weight = 10

        @task(3)
        def home(self) -> None:
            self.get("home", "/")

        @task(2)
        def monitoring(self) -> None:
            self.get("monitoring-index", "/monitoring/")

        @task(2)
        def published(self) -> None:
            if plan["published"]:
                label = _random.choice(plan["published"])
                self.get("monitoring-report", f"/monitoring/{label}/")

        @task(1)
        def framework(self) -> None:
            self.get("framework", "/reporting/framework/")
            if plan["frameworks"]:
                version = _random.choice(plan["frameworks"])
                self.get("framework-version", f"/reporting/framework/{version}/")

        @task(1)
        def deep_track(self) -> None:
            self.get("deep-track", "/deep-track/")

        @task(2)
        def intake(self) -> None:
            page = self.get("intake-form", "/report/nl/")
            if _random.random() < 0.1:  # now and then someone sends a report
                self.post_form(
                    "intake-report",
                    "/report/nl/",
                    page.text,
                    {
                        "title": "Overuren in fabriek (loadtest)",
                        "company_name": "Fictief Textiel B.V.",
                        "description": "Werknemers worden gedwongen tot onbetaalde overuren.",
                        "themes": ["forced-labour"],
                        "impact": "actual",
                        "visibility": "covenant",
                        "sharing": "as_reported",
                        "country": "BD",
                        "site": "Fabriek 7",
                    },
                )

    env = Environment(
        user_classes=[FundOfficer, Uploader, Secretariat, Committee, Visitor], host=host
    )

    def on_request(
        request_type: str,
        name: str,
        response_time: float,
        response: object,
        exception: BaseException | None,
        **_: object,
    ) -> None:
        if exception is not None:
            status = getattr(response, "status_code", "")
            errors.append(f"{request_type} {name}: {status} {exception}"[:300])

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    print(
        f"# load: {USERS} users (25 fund officers, 1 uploader, 8 secretariat, 6 committee, "
        f"10 visitors), {SPAWN_RATE}/s ramp-up, think time {THINK[0]:.0f}–{THINK[1]:.0f} s, "
        f"{SECONDS} s measured"
    )
    runner.start(USERS, spawn_rate=SPAWN_RATE)
    gevent.sleep(USERS / SPAWN_RATE + 10)  # everyone started and logged in
    ramp_errors = len(errors)
    env.stats.reset_all()
    started = time.time()
    cpu_before = cpu_seconds_by_tier(folder)
    gevent.sleep(SECONDS)
    cpu_after = cpu_seconds_by_tier(folder)
    runner.quit()
    elapsed = time.time() - started
    report(env.stats, elapsed, errors, ramp_errors)
    # Which tier would need more machines first: the CPU each used while measured.
    used = {tier: cpu_after[tier] - cpu_before.get(tier, 0.0) for tier in cpu_after}
    for tier, seconds in used.items():
        print(f"load-cpu-{tier.replace(' ', '-')} = {100 * seconds / elapsed:.0f} % of one core")
    requests = env.stats.total.num_requests
    if requests:
        print(f"load-web-cpu-per-request = {1000 * used['web'] / requests:.0f} ms")


def main() -> None:
    # locust patches the standard library with gevent: import it before anything else runs.
    import locust  # noqa: F401

    if os.environ.get("BENCH_LOAD_HOST"):  # a stack already running, and its plan
        crowd(
            os.environ["BENCH_LOAD_HOST"],
            json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text()),
        )
        return
    folder = Path(tempfile.mkdtemp(prefix="convenant-load."))
    folder.chmod(0o755)  # PostgreSQL runs as its own user when we are root: it must get in
    stack = Stack(folder)
    print(
        f"# load: stack in {folder} on port {stack.port}; per-client limits raised for one "
        f"loopback address: {', '.join(f'{k}={v}' for k, v in RAISED_PER_CLIENT_LIMITS.items())}"
    )
    try:
        started = time.perf_counter()
        stack.start()
        print(f"load-stack-start = {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        stack.run(str(VENV / "convenant"), "load_demo")
        print(f"load-demo-time = {time.perf_counter() - started:.0f} s")
        plan_path = folder / "plan.json"
        stack.run(str(VENV / "python"), str(Path(__file__).resolve()), "--build", str(plan_path))
        crowd(f"http://127.0.0.1:{stack.port}", json.loads(plan_path.read_text()), folder)
        # The server's own account of its errors (the folder goes at the end).
        failures = [
            line
            for line in stack.log.read_text(errors="replace").splitlines()
            if '"level": "ERROR"' in line
        ]
        for line in failures[:3]:
            print(f"# server error: {line[:2000]}")
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)


def report(stats: object, elapsed: float, errors: list[str], ramp_errors: int) -> None:
    entries = sorted(stats.entries.values(), key=lambda e: e.name)  # type: ignore[attr-defined]
    for entry in entries:
        if not entry.num_requests:
            continue
        page = entry.name if entry.method == "GET" else f"{entry.name}-{entry.method.lower()}"
        for share in (50, 95, 99):
            print(
                f"load-{page}-p{share} = {entry.get_response_time_percentile(share / 100):.0f} ms"
            )
        print(f"load-{page}-count = {entry.num_requests} requests")
    total = stats.total  # type: ignore[attr-defined]
    print(f"load-p50 = {total.get_response_time_percentile(0.5):.0f} ms")
    print(
        f"load-p95 = {total.get_response_time_percentile(0.95):.0f} ms "
        f"(target: at most {TARGET_P95_MS} ms)"
    )
    print(f"load-p99 = {total.get_response_time_percentile(0.99):.0f} ms")
    print(f"load-rps = {total.num_requests / elapsed:.1f} requests/s")
    print(f"load-requests = {total.num_requests} requests")
    print(f"load-errors = {len(errors)} count (target: 0; {ramp_errors} during the ramp-up)")
    for error in errors[:5]:
        print(f"#   {error}")
    slowest = sorted(
        (e for e in entries if e.num_requests), key=lambda e: -e.get_response_time_percentile(0.95)
    )[:5]
    print(
        "# slowest pages by p95: "
        + ", ".join(f"{e.name} {e.get_response_time_percentile(0.95):.0f} ms" for e in slowest)
    )


if __name__ == "__main__":
    main()
