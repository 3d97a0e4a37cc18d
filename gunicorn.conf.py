"""gunicorn configuration for production: `make serve` (or `gunicorn` in this folder) reads it.

Every value can be overridden from the environment (names below) or on gunicorn's command line. The app's own
settings (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, ...) come from the environment: docs/operators/deployment.md.
"""

import multiprocessing
import os

from heritage.logs import gunicorn_logger

wsgi_app = "config.wsgi:application"
proc_name = "heritage"

# Behind a reverse proxy on the same machine by default; BIND=0.0.0.0:8000 in a container.
bind = os.environ.get("BIND", "127.0.0.1:8000").split(",")

# Threaded workers, one process per CPU with GUNICORN_THREADS threads each: every page is a few bounded queries, and
# while one thread waits for PostgreSQL another draws its page. Unlike sync workers they keep a connection open
# between requests (keepalive below), which spares a TCP set-up and tear-down per request where the proxy (or the
# client) reuses connections: measured on a monument record with wrk, about a fifth less CPU per request than
# sync workers (bench/README.md). GUNICORN_WORKER_CLASS=sync and WEB_CONCURRENCY restore the classic set-up.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# gunicorn's own advice for sync workers is (2 × CPUs) + 1; threaded ones need one process per CPU.
cpus = multiprocessing.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY", cpus * 2 + 1 if worker_class == "sync" else cpus))

# A request that runs longer than this is killed and logged: no page should take seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so that a slow leak never takes the site down; jitter keeps them from
# restarting all at once.
max_requests = 2000
max_requests_jitter = 200

# --- Logs: access log and error log to stdout/stderr for the service manager (journald, docker) to keep, in the
# app's own line (time, level, logger, request id, path; JSON with LOG_FORMAT=json): heritage.logs.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = gunicorn_logger(os.environ.get("LOG_FORMAT", "text"))
# The line's own prefix gives the time; what follows is the combined log format without it.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
# --- end of logs

# Refuse absurd request lines and headers early (the body limit is the app's: MAX_REQUEST_BYTES).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# gunicorn 25.1+ opens a control socket for `gunicornc` by default at one path per user ($XDG_RUNTIME_DIR/gunicorn.ctl
# or ~/.gunicorn/gunicorn.ctl): two servers run by one user share it, and stopping either deletes it under the
# other. Nothing here uses it, so it is off; GUNICORN_CONTROL_SOCKET=/run/heritage/gunicorn.ctl (a path of this
# server's own) turns it on.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not _control_socket
if _control_socket:
    control_socket = _control_socket

# Which proxy addresses may set X-Forwarded-Proto and friends. The app also needs SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The Server header: gunicorn sends "Server: gunicorn" with no version number (tests/heritage/test_faults.py
# checks that it stays so), which reveals nothing worth patching gunicorn's internals to hide.
