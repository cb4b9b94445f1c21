"""Every word of the page comes from its catalogs: the same keys in English and French, every
key a template asks for exists, and no template holds text of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.web.words import WORDS

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "web" / "templates"
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&[a-z]+;|&#\d+;")


def test_both_languages_have_the_same_words() -> None:
    assert set(WORDS["en"]) == set(WORDS["fr"])
    for key in WORDS["en"]:
        fields = set(re.findall(r"\{(\w+)\}", WORDS["en"][key]))
        assert fields == set(re.findall(r"\{(\w+)\}", WORDS["fr"][key])), key


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_a_template_holds_no_text_of_its_own(template: str) -> None:
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    for key in re.findall(r"\bt\('(\w+)'[,)]", source):
        assert key in WORDS["en"], f"{template}: no word '{key}'"
    left = _ENTITY.sub(" ", _TAG.sub(" ", _JINJA.sub(" ", source)))
    assert not re.search(r"[A-Za-zÀ-ÿ]", left), f"{template}: text outside the catalogs: {left!r}"
