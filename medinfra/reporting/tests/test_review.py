"""The verification queue: what waits, decisions checked against the version read, nobody
deciding their own report, duplicates side by side and merged with both histories kept."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from medinfra.core.models import AuditEvent
from medinfra.core.queries import history_of
from medinfra.incidents.models import Incident
from medinfra.incidents.queries import attack_counts
from medinfra.incidents.services import set_verification

D = dt.date


def review(client: Any, incident: Incident, **data: Any) -> Any:
    return client.post(f"/reports/review/{incident.pk}/", data)


# -- the queue -----------------------------------------------------------------------------------


def test_the_queue_lists_reported_and_under_review_incidents_oldest_first(
    verifier: Any, second_verifier: Any, make_incident: Any
) -> None:
    later = make_incident(occurred_on=D(2024, 5, 1))
    older = make_incident(occurred_on=D(2023, 5, 1))
    taken = make_incident(occurred_on=D(2024, 1, 1))
    set_verification(taken, actor=second_verifier, state="under_review")
    decided = make_incident(occurred_on=D(2022, 5, 1))
    set_verification(decided, actor=second_verifier, state="verified")

    page = verifier.client.get("/reports/review/").content.decode()

    shown = [int(n) for n in re.findall(r'href="/reports/review/(\d+)/"', page)]
    assert shown == [older.pk, taken.pk, later.pk]
    assert "3 incidents await a decision" in page
    assert "under review" in page


def test_the_queue_filters_by_region_and_refuses_an_unknown_one(
    verifier: Any, make_incident: Any
) -> None:
    kharkiv = make_incident(region="UA-63")
    make_incident(region="UA-14")

    page = verifier.client.get("/reports/review/?region=UA-63").content.decode()
    bad = verifier.client.get("/reports/review/?region=XX-99")

    assert re.findall(r'href="/reports/review/(\d+)/"', page) == [str(kharkiv.pk)]
    assert bad.status_code == 400
    assert 'href="#id_region"' in bad.content.decode()
    bad_page = verifier.client.get("/reports/review/?page=first")
    assert bad_page.status_code == 400
    assert "Page: Enter a whole number." in bad_page.content.decode()


def test_the_queue_marks_the_verifiers_own_reports(verifier: Any, make_incident: Any) -> None:
    own = make_incident(actor=verifier)
    make_incident()

    page = verifier.client.get("/reports/review/").content.decode()

    assert page.count("yours — another verifier must decide") == 1
    row = re.search(r'<tr class="own">.*?/reports/review/(\d+)/', page, re.DOTALL)
    assert row and int(row.group(1)) == own.pk


def test_the_queue_pages_hold_fifty_incidents(
    verifier: Any, make_incident: Any, make_source: Any
) -> None:
    source = make_source()
    for day in range(1, 29):
        for month in (1, 2):
            make_incident(occurred_on=D(2024, month, day), sources=[source])

    first = verifier.client.get("/reports/review/").content.decode()
    second = verifier.client.get("/reports/review/?page=2").content.decode()

    assert len(re.findall(r'href="/reports/review/\d+/"', first)) == 50
    assert len(re.findall(r'href="/reports/review/\d+/"', second)) == 6
    assert "Page 2 of 2" in second


# -- the review page -----------------------------------------------------------------------------


def test_the_review_page_shows_private_fields_sources_and_history(
    verifier: Any, make_incident: Any, make_source: Any
) -> None:
    source = make_source(title="Звіт обласної адміністрації", url="https://example.org/r")
    incident = make_incident(description="Names of the injured staff.", sources=[source])

    page = verifier.client.get(f"/reports/review/{incident.pk}/").content.decode()

    assert "Names of the injured staff." in page
    assert "Звіт обласної адміністрації" in page
    assert 'href="https://example.org/r"' in page
    assert "<h2>History</h2>" in page
    assert "created" in page
    assert "None found" in page


def test_a_verifier_takes_an_incident_under_review_then_verifies_it(
    verifier: Any, make_incident: Any
) -> None:
    incident = make_incident()

    taken = review(verifier.client, incident, action="take", **{"take-version": "1"})
    assert taken.status_code == 302
    incident.refresh_from_db()
    assert incident.verification == "under_review"

    verified = review(
        verifier.client,
        incident,
        action="verify",
        **{"verify-version": str(incident.version), "verify-certainty": "probable"},
    )

    assert verified.status_code == 302
    assert verified["Location"] == f"/reports/review/{incident.pk}/?done=verify"
    incident.refresh_from_db()
    assert (incident.verification, incident.certainty) == ("verified", "probable")
    assert incident.verified_by == verifier
    done = verifier.client.get(verified["Location"]).content.decode()
    assert "Saved. The incident is now verified." in done
    assert "Reopen it for review" in done


def test_nobody_verifies_their_own_report(verifier: Any, make_incident: Any) -> None:
    incident = make_incident(actor=verifier)
    page = verifier.client.get(f"/reports/review/{incident.pk}/").content.decode()
    assert "Yours — another verifier must decide." in page
    assert 'value="verify"' not in page

    for action, fields in (
        ("verify", {"verify-version": "1", "verify-certainty": "confirmed"}),
        ("reject", {"reject-version": "1", "reject-reason": "mine"}),
    ):
        response = review(verifier.client, incident, action=action, **fields)
        assert response.status_code == 403
        assert "another verifier must decide" in response.content.decode()
    incident.refresh_from_db()
    assert incident.verification == "reported"


def test_a_rejection_without_a_reason_is_refused_naming_the_reason(
    verifier: Any, make_incident: Any
) -> None:
    incident = make_incident()
    events = AuditEvent.objects.count()

    response = review(
        verifier.client, incident, action="reject", **{"reject-version": "1", "reject-reason": "  "}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_reject-reason"' in page
    assert "Say why the incident is rejected." in page
    incident.refresh_from_db()
    assert incident.verification == "reported"
    assert AuditEvent.objects.count() == events

    rejected = review(
        verifier.client,
        incident,
        action="reject",
        **{"reject-version": "1", "reject-reason": "The hospital was not hit."},
    )
    assert rejected.status_code == 302
    incident.refresh_from_db()
    assert incident.verification == "rejected"
    assert list(history_of(incident))[-1].reason == "The hospital was not hit."


def test_a_decision_on_a_stale_version_shows_the_conflict_and_the_current_state(
    verifier: Any, second_verifier: Any, make_incident: Any
) -> None:
    incident = make_incident()
    set_verification(incident, actor=second_verifier, state="rejected", reason="no such attack")

    response = review(
        verifier.client,
        incident,
        action="verify",
        **{"verify-version": "1", "verify-certainty": "confirmed"},
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this incident" in page
    assert "It is now rejected" in page
    assert "version 2" in page
    incident.refresh_from_db()
    assert incident.verification == "rejected"


def test_a_stale_version_is_refused_even_where_the_step_is_allowed(
    verifier: Any, second_verifier: Any, make_incident: Any
) -> None:
    incident = make_incident()
    set_verification(incident, actor=second_verifier, state="under_review")

    response = review(
        verifier.client,
        incident,
        action="verify",
        **{"verify-version": "1", "verify-certainty": "confirmed"},
    )

    assert response.status_code == 409
    assert "Someone else changed this incident" in response.content.decode()
    incident.refresh_from_db()
    assert (incident.verification, incident.verified_by) == ("under_review", None)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "verify", "verify-certainty": "confirmed"},
        {"action": "verify", "verify-version": "1", "verify-certainty": "certain"},
        {"action": "verify", "verify-version": "one", "verify-certainty": "confirmed"},
        {"action": "explode"},
        {"action": "merge-x"},
    ],
)
def test_bad_decisions_are_refused_with_a_message(
    verifier: Any, make_incident: Any, data: dict[str, str]
) -> None:
    incident = make_incident()

    response = verifier.client.post(f"/reports/review/{incident.pk}/", data)

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode() or "Not saved" in (
        response.content.decode()
    )
    incident.refresh_from_db()
    assert incident.version == 1


# -- duplicates and merging ----------------------------------------------------------------------


@pytest.fixture
def duplicates(make_incident: Any, make_facility: Any) -> tuple[Incident, Incident]:
    facility = make_facility()
    first = make_incident(facility=facility, occurred_on=D(2024, 3, 10), patients_injured=2)
    second = make_incident(
        facility=facility,
        occurred_on=D(2024, 3, 12),
        attack_types=["heavy_weapons", "setting_fire"],
        patients_injured=5,
        description="The second report.",
    )
    return first, second


def test_possible_duplicates_are_shown_side_by_side(
    verifier: Any, duplicates: tuple[Incident, Incident]
) -> None:
    first, second = duplicates

    page = verifier.client.get(f"/reports/review/{first.pk}/").content.decode()

    assert "Possible duplicates" in page
    assert f"#{first.pk} (this one)" in page
    assert f'<a href="/reports/review/{second.pk}/">#{second.pk}</a>' in page
    assert re.search(r"Patients injured</th><td>2</td><td>5</td>", page)
    assert "The second report." in page
    assert f'value="merge-{second.pk}"' in page


def test_a_merge_keeps_one_report_and_retracts_the_other_with_both_histories(
    verifier: Any, second_verifier: Any, duplicates: tuple[Incident, Incident]
) -> None:
    first, second = duplicates
    for incident in duplicates:
        set_verification(incident, actor=second_verifier, state="verified")
    assert attack_counts(as_of=D(2025, 1, 1)).verified == 2
    first.refresh_from_db()
    second.refresh_from_db()
    prefix = f"merge-{second.pk}"

    response = review(
        verifier.client,
        first,
        action=prefix,
        **{
            f"{prefix}-version": str(first.version),
            f"{prefix}-other": str(second.pk),
            f"{prefix}-other_version": str(second.version),
            f"{prefix}-keep": "this",
            f"{prefix}-reason": "one shelling, two reports",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/reports/review/{first.pk}/?done=merge"
    first.refresh_from_db()
    merged = Incident.all_objects.get(pk=second.pk)
    assert merged.is_retracted and merged.merged_into == first
    assert merged.retraction_reason == f"merged into #{first.pk}: one shelling, two reports"
    assert first.patients_injured == 5
    assert attack_counts(as_of=D(2025, 1, 1)).verified == 1
    assert [e.action for e in history_of(merged)][-1] == "retract"
    assert f"merged #{second.pk} into it" in list(history_of(first))[-1].reason
    merged_page = verifier.client.get(f"/reports/review/{second.pk}/").content.decode()
    assert f"see incident #{first.pk}" in merged_page
    assert 'value="verify"' not in merged_page


def test_a_merge_may_keep_the_other_report(
    verifier: Any, duplicates: tuple[Incident, Incident]
) -> None:
    first, second = duplicates
    prefix = f"merge-{second.pk}"

    response = review(
        verifier.client,
        first,
        action=prefix,
        **{
            f"{prefix}-version": "1",
            f"{prefix}-other": str(second.pk),
            f"{prefix}-other_version": "1",
            f"{prefix}-keep": "other",
        },
    )

    assert response["Location"] == f"/reports/review/{second.pk}/?done=merge"
    assert Incident.all_objects.get(pk=first.pk).merged_into_id == second.pk
    queue = verifier.client.get("/reports/review/").content.decode()
    assert re.findall(r'href="/reports/review/(\d+)/"', queue) == [str(second.pk)]


def test_a_merge_on_a_stale_version_is_refused(
    verifier: Any, second_verifier: Any, duplicates: tuple[Incident, Incident]
) -> None:
    first, second = duplicates
    set_verification(second, actor=second_verifier, state="under_review")
    prefix = f"merge-{second.pk}"
    events = AuditEvent.objects.count()

    response = review(
        verifier.client,
        first,
        action=prefix,
        **{
            f"{prefix}-version": "1",
            f"{prefix}-other": str(second.pk),
            f"{prefix}-other_version": "1",
            f"{prefix}-keep": "this",
        },
    )

    assert response.status_code == 409
    assert "Someone else changed this incident" in response.content.decode()
    assert AuditEvent.objects.count() == events
    assert Incident.objects.count() == 2


def test_nobody_merges_their_own_report(
    verifier: Any, make_incident: Any, make_facility: Any
) -> None:
    facility = make_facility()
    first = make_incident(facility=facility)
    own = make_incident(facility=facility, actor=verifier)
    prefix = f"merge-{own.pk}"
    page = verifier.client.get(f"/reports/review/{first.pk}/").content.decode()
    assert "one of the two is your own report" in page

    response = review(
        verifier.client,
        first,
        action=prefix,
        **{
            f"{prefix}-version": "1",
            f"{prefix}-other": str(own.pk),
            f"{prefix}-other_version": "1",
            f"{prefix}-keep": "this",
        },
    )

    assert response.status_code == 403
    assert Incident.objects.count() == 2
