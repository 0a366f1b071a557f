"""Gunicorn's configuration for convenant (`gunicorn -c deploy/gunicorn.conf.py`), used by
`make serve` and by the container. Every value can be changed through the environment."""

import os

wsgi_app = "convenant.wsgi:application"
# Loopback by default: a TLS proxy (nginx, Caddy) in front is the only way in. The container
# sets GUNICORN_BIND=0.0.0.0:8000, its network being private to the compose project.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_WORKERS", "4"))
# Threads per worker; above 1 gunicorn uses its threaded worker (each thread borrows a
# database connection from the process's pool).
threads = int(os.environ.get("WEB_THREADS", "1"))
# A request running longer than this is killed (the slowest pages answer in well under a
# second; long work goes to Celery). On a restart, requests in flight get this long to end.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A worker is replaced after this many requests (the jitter keeps them from all restarting at
# once), which bounds what a slow leak in any library can cost.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("WEB_MAX_REQUESTS_JITTER", "200"))
# The proxy sets X-Forwarded-Proto; only a proxy on these addresses is believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Access and error lines in convenant's JSON form: method, path, status, duration and the
# request id, never the client's address, agent, referrer or query string.
logger_class = "convenant.core.logging.GunicornLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Heartbeat files in memory, not on a container's overlay disk (which can stall them).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
proc_name = "convenant-web"
# No control socket: its default path is shared by every gunicorn of the user (two stacks on
# one machine would collide), and nothing here uses it.
control_socket_disable = True
