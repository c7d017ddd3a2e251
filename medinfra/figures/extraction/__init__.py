"""Extraction of candidate figures from press texts in English and Ukrainian."""

from medinfra.figures.extraction.places import RegionIndex, RegionName
from medinfra.figures.extraction.reading import JSON_KEYS, Candidate, extract_figures

__all__ = ["JSON_KEYS", "Candidate", "RegionIndex", "RegionName", "extract_figures"]
