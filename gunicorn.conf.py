"""gunicorn settings for the ICWG Portal in production (`make serve`, or `gunicorn -c gunicorn.conf.py`).

Every value can be overridden by an environment variable, as the twelve-factor app wants.
"""

import multiprocessing
import os

wsgi_app = "icwg_portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# Threaded workers: page requests are short, but a large download to a slow phone can take minutes, and a
# sync worker would be killed by the timeout mid-download; a thread is not (the worker's heartbeat goes on).
# Each thread keeps its own database connection: workers x threads connections in all.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker only rarely, at random so that never two at once: a boot costs half a second of CPU, and
# recycling every 2,000 requests restarted each worker every few seconds under load (a third of the
# throughput, p99 x2.5; BENCHMARKS.md). Memory stays flat without it (make soak): this bounds a slow leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Load the application once in the master and fork the workers from it: they start in milliseconds, share
# the loaded code's memory pages, and a broken configuration stops the master before any worker starts.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")
# The longest request line and header gunicorn reads (its maximum): nginx in front refuses anything longer
# than 4 KB with a page in the visitor's language first (deploy/nginx), so gunicorn's bare 414 never shows.
limit_request_line = 8190
limit_request_field_size = 8190
# Several instances on one machine (or in tests) must not fight over one control socket.
control_socket_disable = True

# Logs to stdout/stderr, the access log as one JSON object a line like the application's own logs: written by
# icwg_portal/gunicorn_logging.py with json.dumps, so no path or header can break the line or the JSON.
# GUNICORN_ACCESS_LOG="" turns it off where the proxy writes one (make stack: nginx's log has every request,
# the ones it answers itself included, and gunicorn's cost 15 % of the throughput).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "icwg_portal.gunicorn_logging.JSONAccessLogger"
# gunicorn's own messages (start, stop, worker timeouts) in the same JSON form as the application's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "icwg_portal.logging.JSONFormatter"}, "raw": {"format": "%(message)s"}},
    "handlers": {
        "error": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"},
        "access": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "raw"},
    },
    "root": {"handlers": ["error"], "level": loglevel.upper()},
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": loglevel.upper(), "propagate": False},
        # With accesslog off, nothing: gunicorn writes access lines whenever logconfig_dict is set.
        "gunicorn.access": {"handlers": ["access"] if accesslog else [], "level": "INFO", "propagate": False},
    },
}
# Behind a reverse proxy on the same machine or network: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
