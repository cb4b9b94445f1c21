"""HTTP API (FastAPI) over ``engine``: ``create_app(settings)`` (see :mod:`api.app`)."""
