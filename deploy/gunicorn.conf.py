"""Gunicorn settings for the counter's app servers (docs/operator.md, "Process model").

CI's production profile starts its two app servers with this file (tests/production), so what is documented
is what is tested. Everything an operator tunes comes from the environment; the defaults suit one app server
on two cores.
"""

import gc
import os
import sys

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads, not only processes: the waiting room's polls spend most of their time waiting on PostgreSQL and Redis.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes longer is a bug or a hung service: the worker is replaced, the others go on.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20  # a restart lets running requests finish (uploads included)
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # behind a reverse proxy that keeps connections open
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
# Recycle workers now and then (a slow leak in any library never grows without bound); jitter avoids all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The reverse proxy in front terminates TLS and sets X-Forwarded-Proto (Django's SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log (the proxy keeps one)
errorlog = "-"
# No query strings in the access log: join, manage and summary links carry their token there.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%({x-request-id}o)s"'


def post_worker_init(worker):
    """Each process, once the application is loaded (both measured with bench/load.py, issue 18).

    It hides what it allocated (Django, Wagtail, the URLconf, the templates) from the garbage collector with
    ``gc.freeze()``: without it each full collection walked those objects again — about every 5 s under load, a
    pause of ~190 ms for all the process's threads (~25 ms with it)."""
    if os.environ.get("GUNICORN_GC_FREEZE", "1") == "1":
        gc.freeze()
    # A thread back from PostgreSQL or Redis waits for the GIL until the running thread yields it: by default up
    # to 5 ms, paid on every round trip of every request while the other threads compute (the "convoy"). The
    # counter's requests are mostly round trips: 1 ms halved the worst latencies under a wave of arrivals.
    sys.setswitchinterval(float(os.environ.get("GUNICORN_SWITCH_INTERVAL", "0.001")))
