"""gunicorn's settings for the web process: production (docs/operations.md), the production
smoke test (bin/smoke-production) and the chat benchmark (bench/chat_reply.py) all start it
with `-c python:lanekassen_ai.gunicorn_conf`, so they run the same server. Arguments given on
the command line win (the smoke test and the benchmark pick their own port).

    .venv/bin/gunicorn lanekassen_ai.wsgi -c python:lanekassen_ai.gunicorn_conf
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads: a reply waits on PostgreSQL about as long as it computes, so four threads per
# process keep its core busy; two processes for the two cores (the GIL lets one process
# use one core for Python).
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Every worker listens on a socket of its own (SO_REUSEPORT), so the kernel spreads new
# connections over the workers evenly. With one shared socket the least busy worker
# accepted most of a burst's keep-alive connections (41 of 50 in bench/chat_reply.py) and
# answered them from one core while the other worker idled. The flip side: a second
# gunicorn started on the same port shares its connections, so stop the old one first.
# GUNICORN_REUSE_PORT=0: one shared socket.
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "1") != "0"
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))  # longer than the proxy's idle keep-alive
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# The application (settings, URLconf, scikit-learn) is imported once in the master and
# shared by the workers.
preload_app = True
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
