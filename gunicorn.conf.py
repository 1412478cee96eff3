"""gunicorn settings for carto-insertion, read when gunicorn starts in the repository root:

    gunicorn --workers 4 --access-logfile /var/log/carto/access.log 'webmap:create_app()'

Options given on the command line win over these. docs/security.md says what to put in front.
"""

from webmap.production import PrivateLogger

# Access-log lines without query strings or Referer (the resident's address, position and age).
logger_class = PrivateLogger

# Only a reverse proxy on this machine talks to the app; it terminates TLS (CARTO_PROXY_HOPS=1).
bind = "127.0.0.1:8000"

# Long URLs are refused (414) before they reach the app; a search URL is far shorter.
limit_request_line = 4094
limit_request_fields = 50

timeout = 30

# The app, and what a search needs (libraries, outlines, the actors' index), loaded once in the master
# and shared by the workers, copy-on-write: a worker's own memory is what its requests add
# (benchmarks/memory.py). Nothing that must not cross a fork stays open: see ``when_ready``. A code
# change needs a restart (a HUP reloads the settings, not the code).
preload_app = True


def on_starting(server) -> None:
    """Create or migrate the store's schema once, in the master, before any worker starts."""
    from webmap import create_app
    from webmap.services import upgrade_configured_store

    before, after = upgrade_configured_store(create_app())
    if before != after:
        server.log.info("database schema: %s -> %s", before or "empty", after)


def when_ready(server) -> None:
    """In the master, the schema ready and no worker forked yet: warm up the preloaded app, load what
    requests need, give back its connections (each worker opens its own), and freeze what is loaded,
    so that the workers' garbage collector never writes to those shared pages."""
    import gc

    from webmap.services import load_for_requests, release_connections, travel_summary, warm_up

    if server.cfg.preload_app:
        app = server.app.wsgi()
        warm_up(app)
        load_for_requests(app)
        server.log.info("travel times loaded before forking: %s", travel_summary(app))
        release_connections(app)
        gc.freeze()


def post_worker_init(worker) -> None:
    """Load what a search needs before the worker takes its first request, so that the first volunteer
    served by a fresh worker waits no longer than the next one (``webmap.services.warm_up``)."""
    from webmap.services import warm_up

    warm_up(worker.wsgi)
