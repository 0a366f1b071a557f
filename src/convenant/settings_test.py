"""Settings for the test suite: the real PostgreSQL that `make test` starts, a fast password
hasher, mail kept in memory. Only DATABASE_URL comes from the environment."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "*")
os.environ.setdefault("DATABASE_URL", "postgres://convenant@/convenant?host=/tmp")
# The suite's live servers share the test's own connection, which a pool would not hand over;
# the pool itself is tested against a real server (core/tests/test_server_recovery.py).
os.environ.setdefault("DATABASE_POOL", "0")
# Two-factor authentication stays optional in the suite, so the many tests that sign in with
# force_login or the password form are about their own pages; the two-factor tests switch it
# on (override_settings), and a test checks that production requires it.
os.environ.setdefault("TWO_FACTOR_REQUIRED", "0")

from convenant.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "signals": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}

import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# A folder of this process's own, made only when an upload is stored and removed when the
# process ends. (Tools that load these settings and leave without cleaning up, such as
# mypy's Django plugin, then leave nothing behind.)
HOLDINGS_UPLOAD_DIR = Path(tempfile.gettempdir()) / f"convenant-test-uploads-{os.getpid()}"
atexit.register(shutil.rmtree, HOLDINGS_UPLOAD_DIR, ignore_errors=True)
TOOLKIT_UPLOAD_DIR = HOLDINGS_UPLOAD_DIR / "toolkit"
OUTSOURCING_UPLOAD_DIR = HOLDINGS_UPLOAD_DIR / "outsourcing"
REPORTING_UPLOAD_DIR = HOLDINGS_UPLOAD_DIR / "reporting"
GOVERNANCE_UPLOAD_DIR = HOLDINGS_UPLOAD_DIR / "governance"
ENGAGEMENT_UPLOAD_DIR = HOLDINGS_UPLOAD_DIR / "engagement"
