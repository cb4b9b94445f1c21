"""Prometheus metrics (``GET /metrics``): requests and their latency by route, checks and
events; one registry per app, so two apps in one process never mix their counts."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_TYPE_LATEST", "Metrics", "MetricsMiddleware"]

_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)


class Metrics:
    """The service's counters and histograms."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "lifeevents_requests", "HTTP requests", ["method", "route", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "lifeevents_request_seconds", "HTTP request latency", ["method", "route"],
            buckets=_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.checks = Counter(
            "lifeevents_checks", "Eligibility checks answered", registry=self.registry
        )
        self.events = Counter(
            "lifeevents_events", "Life events answered", ["recorded"], registry=self.registry
        )

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Count and time each HTTP request under its route's template (never the raw path, which
    can hold a client's id). A plain ASGI middleware: it passes the messages through as they
    come (Starlette's ``BaseHTTPMiddleware`` runs the route in a task of its own and streams
    its body through a queue)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; count it once its response has started."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status: list[int] = []

        async def sent(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, receive, sent)
        if status:  # an exception before the response is the server's error handler's
            route: Any = scope.get("route")
            template = getattr(route, "path", "unmatched")
            method = scope["method"]
            self.metrics.requests.labels(method, template, str(status[0])).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - start)
