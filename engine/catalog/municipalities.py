"""Catalog municipality ids. A municipality's code in arrays is its position in the tuple."""

from __future__ import annotations

__all__ = ["MUNICIPALITIES"]

MUNICIPALITIES: tuple[str, ...] = (
    "toronto",
    "ottawa",
    "mississauga",
    "hamilton",
    "montreal",
    "quebec_city",
    "vancouver",
    "calgary",
    "edmonton",
    "winnipeg",
    "halifax",
    "regina",
    "saskatoon",
    "victoria",
    "st_johns",
    "charlottetown",
    "fredericton",
    "whitehorse",
    "yellowknife",
    "iqaluit",
)
