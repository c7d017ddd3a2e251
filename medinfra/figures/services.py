"""Writes to the ledger of reported figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from medinfra.core.errors import InvalidInput
from medinfra.core.services import Actor, create_record
from medinfra.figures.models import DatePrecision, ReportedFigure
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.sources.models import Source
from medinfra.sources.services import register_source


def record_figure(
    *,
    actor: Actor,
    metric: str,
    value: Decimal | int | str,
    as_of: dt.date,
    country: str,
    source: Source,
    qualifier: str = "exact",
    as_of_precision: str = DatePrecision.DAY,
    region: Region | str | None = None,
    attributed_to: str = "",
    span: str = "",
) -> ReportedFigure:
    """Enter a published number into the ledger, with its source."""
    if isinstance(region, str):
        region = region_by_code(region) if region.strip() else None
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput({"value": _("%(value)r is not a number.") % {"value": value}}) from None
    return create_record(
        ReportedFigure(
            metric=metric,
            value=number,
            qualifier=qualifier,
            as_of=as_of,
            as_of_precision=as_of_precision,
            country=(country or "").strip().upper(),
            region=region,
            source=source,
            attributed_to=attributed_to.strip(),
            span=span,
        ),
        actor=actor,
    )


@dataclass(frozen=True)
class ReviewedFigure:
    """A candidate figure as its reviewer confirmed or corrected it."""

    metric: str
    value: Decimal
    qualifier: str
    as_of: dt.date | None
    country: str
    region: str | None = None
    as_of_precision: str = DatePrecision.DAY
    attributed_to: str = ""
    span: str = ""


def enter_reviewed_figures(
    *,
    actor: Actor,
    publisher: str,
    title: str,
    text: str,
    figures: Sequence[ReviewedFigure],
    url: str = "",
    published_on: dt.date | None = None,
    language: str = "",
) -> tuple[Source, list[ReportedFigure]]:
    """Register a reviewed text as a source and enter the figures its reviewer confirmed.

    All or nothing: a problem with the source or any figure enters nothing and names every
    field at fault, figure by figure ("figures.2.as_of").
    """
    if not figures:
        raise InvalidInput(
            {"figures": _("Confirm at least one figure, or leave the text unrecorded.")}
        )
    url = url.strip()
    if url and Source.all_objects.filter(url=url).exists():
        raise InvalidInput(
            {"url": _("A source with this address is already registered; add figures to it.")}
        )
    errors: dict[str, str | list[str]] = {}
    entered: list[ReportedFigure] = []
    with transaction.atomic():
        source = register_source(
            actor=actor,
            publisher=publisher,
            title=title,
            url=url,
            published_on=published_on,
            language=language,
            full_text=text,
        )
        for index, figure in enumerate(figures):
            try:
                entered.append(_enter(figure, source=source, actor=actor))
            except InvalidInput as error:
                for field, messages in error.message_dict.items():
                    errors[f"figures.{index}.{field}"] = messages
        if errors:
            # Raised inside the transaction, so the source is not kept either.
            raise InvalidInput(errors)
    return source, entered


def _enter(figure: ReviewedFigure, *, source: Source, actor: Actor) -> ReportedFigure:
    if figure.as_of is None:
        raise InvalidInput(
            {"as_of": _("The text gives no date for this figure: give the date it describes.")}
        )
    return record_figure(
        actor=actor,
        metric=figure.metric,
        value=figure.value,
        qualifier=figure.qualifier,
        as_of=figure.as_of,
        as_of_precision=figure.as_of_precision,
        country=figure.country,
        region=figure.region,
        source=source,
        attributed_to=figure.attributed_to,
        span=figure.span,
    )
