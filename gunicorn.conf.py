"""gunicorn settings for eCAF (`make run`, and production): `gunicorn -c gunicorn.conf.py`.

Each setting can be changed by an environment variable, read when the server starts:

CAF_BIND      address and port to listen on (default 127.0.0.1:5000)
CAF_WORKERS   worker processes (default: two per processor core)
CAF_THREADS   threads in each worker (default 2)
CAF_TIMEOUT   seconds a request may take before its worker is restarted (default 60)

Which proxies may say that a request came over HTTPS, and from which address, is the app's
decision alone (CAF_TRUSTED_PROXIES, applied by werkzeug's ProxyFix): gunicorn is told to
believe no forwarded header itself, so that a client cannot set its own scheme.
"""

from __future__ import annotations

import os


def _whole_number(variable: str, default: int, minimum: int = 1) -> int:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{variable} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise SystemExit(f"{variable} must be {minimum} or more, not {number}")
    return number


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "webapp:create_app()"
bind = [os.environ.get("CAF_BIND", "127.0.0.1:5000")]
# Every page waits on the database (and, on SQLite, on the disk's flush of the audit
# append) as much as it computes: two workers a core, each with two threads, keep both busy
# without queueing many requests behind the one SQLite writer.
workers = _whole_number("CAF_WORKERS", 2 * _cores())
threads = _whole_number("CAF_THREADS", 2)
timeout = _whole_number("CAF_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
# Forwarded headers are the app's to judge (CAF_TRUSTED_PROXIES), never gunicorn's.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
# No control socket: several servers (a benchmark, a second instance) may run as one user.
control_socket_disable = True
