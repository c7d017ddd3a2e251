"""Public pages, their data downloads, and the bulletin."""

from medinfra.dashboard.views.bulletin import bulletin, bulletin_text, parse_as_of

__all__ = ["bulletin", "bulletin_text", "parse_as_of"]
