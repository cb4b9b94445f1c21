"""Makes rules/ importable as ``lifeevents_rules`` so the wheel ships it as package data.

Only a marker: the engine reads the YAML files, never this module (see engine/catalog/paths.py).
"""
