"""Text stages: canonicalising documents before they are shingled."""

from neardup.text.normalize import normalize, normalize_lines

__all__ = ["normalize", "normalize_lines"]
