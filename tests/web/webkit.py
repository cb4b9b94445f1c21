"""Helpers of the browser tests: check a screen with axe-core and keep its screenshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from api.web.words import WORDS

BLOCKING = ("serious", "critical")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
"""Where the screenshots and axe-core's findings go (gitignored)."""


def say(lang: str, key: str, **fields: Any) -> str:
    """A word of the page as shown (French typography: a non-breaking space before ':')."""
    from engine.wording import say as typeset

    text = WORDS[lang][key]
    return typeset(text.format(**fields) if fields else text, lang)


class Screens:
    """Every screen of one flow: axe-core's serious and critical violations (none allowed)
    and a screenshot each, numbered in the order seen."""

    def __init__(self, page: Any, axe: str, folder: Path) -> None:
        self.page = page
        self.axe = axe
        self.folder = folder
        self.seen: list[tuple[str, int]] = []
        folder.mkdir(parents=True, exist_ok=True)

    def check(self, name: str) -> None:
        """Screenshot the screen and assert axe-core finds nothing serious or critical."""
        self.page.screenshot(
            path=str(self.folder / f"{len(self.seen) + 1:02d}-{name}.png"), full_page=True
        )
        self.page.add_script_tag(content=self.axe)
        found = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        blocking = [v for v in found if v["impact"] in BLOCKING]
        assert not blocking, f"{name}: {blocking}"
        self.seen.append((name, len(found)))
        report = self.folder / "axe.json"
        kept = json.loads(report.read_text()) if report.exists() and len(self.seen) > 1 else {}
        kept[name] = found
        report.write_text(json.dumps(kept, indent=1))
