"""Figures enter the ledger through the services: validated, audited, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from medinfra.core.errors import InvalidInput
from medinfra.core.models import AuditEvent
from medinfra.figures.models import ReportedFigure
from medinfra.figures.services import ReviewedFigure, enter_reviewed_figures, record_figure
from medinfra.sources.models import Source

pytestmark = pytest.mark.django_db
D = dt.date
TEXT = "The ministry said 190 medical facilities were destroyed and almost 1,500 damaged."


def reviewed(**fields: Any) -> ReviewedFigure:
    values: dict[str, Any] = {
        "metric": "facilities_destroyed",
        "value": Decimal(190),
        "qualifier": "exact",
        "as_of": D(2023, 10, 6),
        "country": "UA",
        "span": "190 medical facilities were destroyed",
    }
    values.update(fields)
    return ReviewedFigure(**values)


def enter(actor: Any, *figures: ReviewedFigure, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "publisher": "Ministry of Health of Ukraine",
        "title": "Press release",
        "text": TEXT,
        "published_on": D(2023, 10, 6),
        "language": "en",
    }
    values.update(fields)
    return enter_reviewed_figures(actor=actor, figures=list(figures), **values)


def test_record_figure_keeps_precision_attribution_and_region(
    actor: Any, make_source: Callable[..., Any]
) -> None:
    figure = record_figure(
        actor=actor,
        metric="attacks_recorded",
        value=1940,
        as_of=D(2024, 8, 31),
        as_of_precision="month",
        country="ua",
        region="UA-63",
        source=make_source(),
        attributed_to=" World Health Organization ",
    )
    figure.refresh_from_db()
    assert (figure.country, figure.region.code, figure.as_of_precision) == ("UA", "UA-63", "month")
    assert figure.reported_by == "World Health Organization"
    assert AuditEvent.objects.filter(model="figures.reportedfigure", action="create").count() == 1


def test_record_figure_credits_the_publisher_when_no_one_else_is_named(
    actor: Any, make_source: Callable[..., Any]
) -> None:
    source = make_source(publisher="Ministry of Health of Ukraine")
    figure = record_figure(
        actor=actor,
        metric="facilities_destroyed",
        value=190,
        as_of=D(2023, 10, 6),
        country="UA",
        source=source,
    )
    assert figure.reported_by == "Ministry of Health of Ukraine"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"value": "many"}, "value"),
        ({"value": -1}, "value"),
        ({"metric": "hospitals_painted"}, "metric"),
        ({"qualifier": "roughly"}, "qualifier"),
        ({"as_of_precision": "week"}, "as_of_precision"),
        ({"as_of": D(2999, 1, 1)}, "as_of"),
        ({"country": "Ukraine"}, "country"),
        ({"region": "UA-99"}, "region"),
        ({"region": "UA-63", "country": "RU"}, "region"),
    ],
)
def test_record_figure_names_the_field_at_fault_and_writes_nothing(
    actor: Any, make_source: Callable[..., Any], fields: dict[str, Any], field: str
) -> None:
    values: dict[str, Any] = {
        "metric": "facilities_destroyed",
        "value": 190,
        "as_of": D(2023, 10, 6),
        "country": "UA",
    }
    values.update(fields)
    with pytest.raises(InvalidInput) as error:
        record_figure(actor=actor, source=make_source(), **values)
    assert field in error.value.message_dict
    assert not ReportedFigure.all_objects.exists()


def test_reviewed_figures_enter_with_their_source_and_its_text(ua: Any, actor: Any) -> None:
    source, figures = enter(
        actor,
        reviewed(),
        reviewed(
            metric="facilities_damaged",
            value=Decimal(1500),
            qualifier="almost",
            span="almost 1,500 damaged",
            attributed_to="Ministry of Health of Ukraine",
        ),
    )
    assert source.full_text == TEXT and not source.is_synthetic
    assert [(f.metric, f.value, f.qualifier) for f in figures] == [
        ("facilities_destroyed", 190, "exact"),
        ("facilities_damaged", 1500, "almost"),
    ]
    assert AuditEvent.objects.filter(model="figures.reportedfigure").count() == 2
    assert AuditEvent.objects.filter(model="sources.source").count() == 1


def test_one_bad_figure_enters_nothing_and_names_the_figure_and_field(ua: Any, actor: Any) -> None:
    with pytest.raises(InvalidInput) as error:
        enter(actor, reviewed(), reviewed(as_of=None), reviewed(span="not in the text"))
    assert set(error.value.message_dict) == {"figures.1.as_of", "figures.2.span"}
    assert not Source.all_objects.exists()
    assert not ReportedFigure.all_objects.exists()
    assert not AuditEvent.objects.filter(model="figures.reportedfigure").exists()


def test_a_review_without_confirmed_figures_is_refused(ua: Any, actor: Any) -> None:
    with pytest.raises(InvalidInput) as error:
        enter(actor)
    assert "figures" in error.value.message_dict
    assert not Source.all_objects.exists()


def test_a_source_already_registered_by_its_address_is_not_registered_twice(
    ua: Any, actor: Any
) -> None:
    enter(actor, reviewed(), url="https://moz.gov.ua/example")
    with pytest.raises(InvalidInput) as error:
        enter(actor, reviewed(), url="https://moz.gov.ua/example")
    assert "url" in error.value.message_dict
    assert Source.objects.count() == 1


def test_bad_source_fields_are_named(ua: Any, actor: Any) -> None:
    with pytest.raises(InvalidInput) as error:
        enter(actor, reviewed(), publisher="", url="not a url")
    assert {"publisher", "url"} <= set(error.value.message_dict)
    assert not ReportedFigure.all_objects.exists()
