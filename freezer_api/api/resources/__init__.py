"""Falcon resources: ``Collection`` and ``Item`` per noun."""
