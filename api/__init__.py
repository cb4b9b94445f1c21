"""HTTP API (FastAPI). Arrives with its own issue; it will sit on top of ``engine``."""
