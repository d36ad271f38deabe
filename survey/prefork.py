"""gunicorn's hooks for `survey serve --prod`: the workers share the preloaded app's memory
instead of each making its own copy of it.

With --preload the app is imported once in the master and the workers are forked from it;
a page of memory stays shared until a process writes to it. Two things write to nearly all
of them in every worker: Python's garbage collector (a full collection touches every object
it tracks) and first uses (templates compiled, translations loaded). So the master compiles
the respondent pages' templates and loads the translations, then moves its objects out of
the collector's reach (gc.freeze) just before the workers are forked. Nothing here opens
the database: a SQLite connection must never cross a fork.
"""

from __future__ import annotations

import gc

from flask import Flask, g

from .documents import batches

# The pages every respondent sees; the console's and the report's compile when first used.
SHARED_TEMPLATES = ("base.html", "index.html", "error.html", "respond/", "kiosk/")


def warm(app: Flask) -> int:
    """Compile the respondent templates and load each language's translations; returns
    the number of templates compiled."""
    from flask_babel import get_translations

    from .store.languages import LANGUAGES

    names = [n for n in app.jinja_env.list_templates() if n.startswith(SHARED_TEMPLATES)]
    for name in names:
        app.jinja_env.get_template(name)
    for lang in LANGUAGES:
        with app.test_request_context("/"):
            g.language = lang
            get_translations()
    return len(names)


def when_ready(server) -> None:
    """gunicorn calls this in the master after --preload, before it forks any worker."""
    app = server.app.wsgi()
    if isinstance(app, Flask):
        warm(app)
    gc.collect()
    gc.freeze()


def post_worker_init(worker) -> None:
    """gunicorn calls this in each worker once it has the app: the worker sweeps expired
    code batches from now on (a sweeper started in the master would not survive the fork)."""
    app = worker.wsgi
    if isinstance(app, Flask):
        worker.batch_sweeper = batches.Sweeper(batches.folder_for(app.instance_path))
        worker.batch_sweeper.start()
