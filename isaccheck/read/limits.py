"""Limits that keep a hostile or broken file from taking the run down (issue 10, point 7)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    # A secretary's minutes are kilobytes, an annual plan with pictures a few megabytes; 50 MB is
    # far above any real ISAC document and far below what hurts a CI runner.
    max_bytes: int = 50 * 1024 * 1024
    # Seconds of wall-clock time one file may take to read (a slow PDF is reported, not waited on).
    max_seconds: float = 30.0
    # docx/odt are zip archives: uncompressed/compressed above this is a zip bomb (real Office files
    # stay under ~20x; XML of repeated runs compresses well, so the bound is generous).
    max_ratio: float = 100.0
    # Total uncompressed size of a docx/odt archive's entries.
    max_unzipped_bytes: int = 200 * 1024 * 1024
    # Pages read from one PDF (a 2,000-page PDF is not an ISAC document; reading stops and says so).
    max_pages: int = 500


DEFAULT_LIMITS = ReadLimits()
