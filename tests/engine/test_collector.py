"""The collector as a service sets it: what start-up loaded is frozen out of later scans, and
young objects are collected less often."""

from __future__ import annotations

import gc

from engine.collector import SERVING_YOUNG, serving


def test_serving_freezes_what_is_loaded_and_collects_young_objects_less_often() -> None:
    before = gc.get_threshold()
    try:
        kept = [[index] for index in range(1000)]  # long-lived containers, as a catalog's
        serving()
        assert gc.get_freeze_count() >= len(kept)
        assert gc.get_threshold() == (SERVING_YOUNG, before[1], before[2])
        assert before[0] < SERVING_YOUNG
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
