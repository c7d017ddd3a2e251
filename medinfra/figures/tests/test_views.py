"""The ledger's pages: public timelines beside the registry, and the reviewer's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medinfra.core.roles import Role, grant
from medinfra.core.services import retract_record
from medinfra.figures.models import ReportedFigure
from medinfra.figures.services import record_figure
from medinfra.sources.models import Source

pytestmark = pytest.mark.django_db
D = dt.date
TEXT = (
    "6 October 2023\n\n"
    "The russian occupiers have destroyed 190 medical facilities and damaged almost 1,500. "
    "In total, 25 agreements on international medical partnerships were signed. "
    "During the 73rd session, lasting 19 months, nothing else was counted."
)


@pytest.fixture
def staff_client(client: Client, django_user_model: Any, ua: Any) -> Client:
    editor = django_user_model.objects.create_user(username="editor", password="x-unused-x-editor")
    client.force_login(grant(editor, Role.VERIFIER))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def ledger(actor: Any, make_source: Callable[..., Any], assess: Any, make_facility: Any) -> Any:
    assess(make_facility(), D(2023, 5, 1), "destroyed")
    source = make_source(
        publisher="Ministry of Health of Ukraine",
        title="Ukraine plans to expand international medical partnership project",
        published_on=D(2023, 10, 6),
    )
    figure = record_figure(
        actor=actor,
        metric="facilities_destroyed",
        value=190,
        as_of=D(2023, 10, 6),
        country="UA",
        source=source,
        span="destroyed 190 medical facilities",
    )
    later = record_figure(
        actor=actor,
        metric="facilities_destroyed",
        value=305,
        as_of=D(2025, 6, 30),
        as_of_precision="not_stated",
        country="UA",
        source=make_source(publisher="Publisher not named in the text", title="Undated article"),
        attributed_to="Ministry of Health of Ukraine",
        span="305 healthcare institutions have been completely destroyed",
    )
    return figure, later


def page(client: Client, url: str, language: str = "en") -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_the_index_lists_every_metric_with_the_latest_figure(client: Client, ledger: Any) -> None:
    text = page(client, reverse("figures:index"))
    assert "facilities destroyed" in text
    assert "305" in text and "hospitals closed" in text


def test_a_metric_page_shows_each_source_s_figure_beside_the_registry(
    client: Client, ledger: Any
) -> None:
    text = page(client, reverse("figures:metric", args=["facilities_destroyed"]))
    assert "190" in text and "305" in text
    assert "date not stated" in text
    assert "destroyed 190 medical facilities" in text
    # The registry holds one destroyed facility: the difference is shown, not hidden.
    assert "-189" in text and "differs from the published figure" in text
    assert "<svg" in text


def test_the_pages_speak_ukrainian(client: Client, ledger: Any) -> None:
    text = page(client, reverse("figures:metric", args=["facilities_destroyed"]), "uk")
    assert "Хто повідомляє" in text and "Підрахунок реєстру" in text
    assert "дату не вказано" in text
    text = page(client, reverse("figures:index"), "uk")
    assert "Остання оприлюднена цифра" in text


def test_public_pages_show_no_retraction_reasons_nor_names_of_people(
    client: Client, ledger: Any, actor: Any
) -> None:
    figure, _ = ledger
    wrong = record_figure(
        actor=actor,
        metric="facilities_destroyed",
        value=999,
        as_of=D(2024, 1, 1),
        country="UA",
        source=figure.source,
    )
    retract_record(wrong, actor=actor, reason="MARKER-reason misread by clerk")
    text = page(client, reverse("figures:metric", args=["facilities_destroyed"]))
    assert "999" not in text
    assert "MARKER-reason" not in text
    assert actor.username not in text


def test_an_unknown_metric_is_not_found(client: Client, ua: Any) -> None:
    assert client.get(reverse("figures:metric", args=["hospitals_painted"])).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"), [("region=UA-99", "region"), ("country=Ukraine", "country")]
)
def test_a_bad_query_string_is_answered_with_the_field_named(
    client: Client, ua: Any, query: str, field: str
) -> None:
    url = reverse("figures:metric", args=["facilities_destroyed"]) + "?" + query
    response = client.get(url)
    assert response.status_code == 400
    assert f"{field}:" in response.content.decode()


def test_a_metric_page_for_one_region_shows_only_that_region_s_figures(
    client: Client, ledger: Any
) -> None:
    text = page(client, reverse("figures:metric", args=["facilities_destroyed"]) + "?region=UA-63")
    assert "No source has published a figure of this metric yet." in text


# -- the reviewer's page ---------------------------------------------------------------------


def source_fields(**fields: str) -> dict[str, str]:
    values = {
        "text": TEXT,
        "publisher": "Ministry of Health of Ukraine",
        "title": "Ukraine plans to expand international medical partnership project",
        "url": "",
        "published_on": "",
        "language": "",
        "country": "UA",
    }
    values.update(fields)
    return values


def candidates_of(response: Any) -> list[dict[str, Any]]:
    return [form.initial for form in response.context["formset"].forms]


def decisions(initials: list[dict[str, Any]], **changes: dict[str, str]) -> dict[str, str]:
    """The second step's form data: every candidate as read, with some fields changed."""
    data = source_fields()
    data.update(
        {
            "step": "enter",
            "form-TOTAL_FORMS": str(len(initials)),
            "form-INITIAL_FORMS": str(len(initials)),
        }
    )
    for i, initial in enumerate(initials):
        for name, value in initial.items():
            data[f"form-{i}-{name}"] = "" if value is None else str(value)
        for name, value in changes.get(f"form{i}", {}).items():
            data[f"form-{i}-{name}"] = value
    return data


def test_the_reviewer_s_page_is_for_verifiers_only(client: Client, django_user_model: Any) -> None:
    url = reverse("figures:review")
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    reporter = django_user_model.objects.create_user(username="public", password="x-1-x")
    client.force_login(grant(reporter, Role.REPORTER))
    assert client.get(url).status_code == 403
    assert client.post(url, source_fields(step="read")).status_code == 403
    assert not Source.all_objects.exists()


def test_a_pasted_text_becomes_candidates_that_the_reviewer_confirms(
    staff_client: Client,
) -> None:
    response = staff_client.post(reverse("figures:review"), source_fields(step="read"))
    assert response.status_code == 200
    initials = candidates_of(response)
    assert [(c["metric"], int(c["value"]), c["qualifier"]) for c in initials] == [
        ("facilities_destroyed", 190, "exact"),
        ("facilities_damaged", 1500, "almost"),
        ("partnership_agreements_signed", 25, "exact"),
    ]
    assert {c["as_of"] for c in initials} == {D(2023, 10, 6)}

    response = staff_client.post(reverse("figures:review"), decisions(initials))

    assert response.status_code == 302
    source = Source.objects.get()
    assert source.full_text == TEXT and source.language == "en"
    assert list(
        ReportedFigure.objects.order_by("id").values_list("metric", "value", "qualifier", "span")
    ) == [
        ("facilities_destroyed", 190, "exact", "destroyed 190 medical facilities"),
        ("facilities_damaged", 1500, "almost", "damaged almost 1,500"),
        (
            "partnership_agreements_signed",
            25,
            "exact",
            "25 agreements on international medical partnerships were signed",
        ),
    ]
    assert "190" in staff_client.get(response["Location"]).content.decode()


def test_the_reviewer_corrects_one_candidate_and_drops_another(staff_client: Client) -> None:
    initials = candidates_of(
        staff_client.post(reverse("figures:review"), source_fields(step="read"))
    )
    data = decisions(
        initials,
        form0={"value": "191", "qualifier": "at_least", "region": "UA-63"},
        form1={"decision": "drop", "value": "not a number"},
    )

    assert staff_client.post(reverse("figures:review"), data).status_code == 302

    assert list(ReportedFigure.objects.order_by("id").values_list("metric", "value")) == [
        ("facilities_destroyed", 191),
        ("partnership_agreements_signed", 25),
    ]
    corrected = ReportedFigure.objects.get(metric="facilities_destroyed")
    assert (corrected.qualifier, corrected.region.code) == ("at_least", "UA-63")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "   "}, "Text"),
        ({"publisher": ""}, "Publisher"),
        ({"url": "not an address"}, "Address (URL)"),
        ({"published_on": "2999-01-01"}, "Published on"),
        ({"published_on": "6 October"}, "Published on"),
        ({"country": "Ukraine"}, "Country"),
        ({"language": "fr"}, "Language"),
    ],
)
def test_bad_source_fields_are_named_and_nothing_is_written(
    staff_client: Client, fields: dict[str, str], message: str
) -> None:
    response = staff_client.post(reverse("figures:review"), source_fields(step="read", **fields))
    assert response.status_code == 400
    assert f"{message}:" in response.content.decode()
    assert not Source.all_objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": "lots"}, "value"),
        ({"metric": "hospitals_painted"}, "metric"),
        ({"as_of": ""}, "as_of"),
        ({"as_of": "2999-01-01"}, "as_of"),
        ({"region": "UA-99"}, "region"),
        ({"country": "RU", "region": "UA-63"}, "region"),
        ({"span": "words the text does not hold"}, "span"),
    ],
)
def test_a_bad_correction_is_shown_beside_its_field_and_nothing_is_entered(
    staff_client: Client, change: dict[str, str], field: str
) -> None:
    initials = candidates_of(
        staff_client.post(reverse("figures:review"), source_fields(step="read"))
    )
    response = staff_client.post(reverse("figures:review"), decisions(initials, form0=change))
    assert response.status_code == 400
    form = response.context["formset"].forms[0]
    assert field in form.errors or form.non_field_errors(), form.errors
    assert not ReportedFigure.all_objects.exists()
    assert not Source.all_objects.exists()


def test_a_tampered_form_count_is_refused_without_a_server_error(staff_client: Client) -> None:
    data = source_fields(step="enter")
    data.update({"form-TOTAL_FORMS": "x", "form-INITIAL_FORMS": "0"})
    response = staff_client.post(reverse("figures:review"), data)
    assert response.status_code == 400
    assert not Source.all_objects.exists()


def test_a_text_without_figures_says_so(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("figures:review"),
        source_fields(step="read", text="The 73rd session lasted 19 months, since 2022."),
    )
    assert response.status_code == 200
    assert "No figures were found in this text." in response.content.decode()


def test_a_long_text_shows_its_first_candidates_and_says_so(
    staff_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from medinfra.figures import views

    monkeypatch.setattr(views, "MAX_CANDIDATES", 1)
    response = staff_client.post(reverse("figures:review"), source_fields(step="read"))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 1
    assert "Only the first 1 figures of this text are shown" in response.content.decode()
