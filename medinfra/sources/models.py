"""Documents that facts come from."""

from __future__ import annotations

from django.db import models

from medinfra.core.models import Record


class Source(Record):
    """A document a fact comes from: every incident and reported figure names at least one."""

    publisher = models.CharField(max_length=200)
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True, help_text="BCP 47 code, e.g. uk, en")
    full_text = models.TextField(blank=True)
    is_synthetic = models.BooleanField(
        default=False, help_text="Made up for demonstration; never a real publication."
    )

    class Meta:
        ordering = ["-published_on", "id"]

    def __str__(self) -> str:
        date = f" ({self.published_on:%Y-%m-%d})" if self.published_on else ""
        return f"{self.publisher}: {self.title}{date}"
