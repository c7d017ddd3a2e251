"""The public download page and the staff import page: access, the steps, bad input, progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medinfra.core.roles import Role, grant
from medinfra.exchange.models import ImportRun, RunStatus
from medinfra.facilities.models import Facility

pytestmark = pytest.mark.django_db

FACILITIES_CSV = (
    "id;name_uk;kind;region;beds\n"
    "f-1;Лікарня №1;hospital;UA-63;120\n"
    "f-2;Лікарня №2;hospital;UA-99;80\n"
    "f-3;Лікарня №3;hospital;UA-14;\n"
).encode()


@pytest.fixture
def en_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def staff(en_client: Client) -> Client:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="staff", is_staff=True)
    grant(user, Role.REPORTER)
    en_client.force_login(user)
    return en_client


@pytest.fixture
def reporter(en_client: Client) -> Client:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from medinfra.core.roles import ensure_role_groups

    ensure_role_groups()
    user = get_user_model().objects.create_user(username="reporter")
    user.groups.add(Group.objects.get(name="reporter"))
    en_client.force_login(user)
    return en_client


def upload(client: Client, content: bytes, name: str = "f.csv", **fields: Any) -> Any:
    data = {"kind": "facilities", "file_format": "", "sheet": "", **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post("/imports/", data)


def test_the_download_page_lists_every_table_format_dictionary_and_licence(
    en_client: Client, ua: Any
) -> None:
    response = en_client.get("/data/")

    page = response.content.decode()
    assert response.status_code == 200
    for link in (
        "/data/incidents.csv",
        "/data/incidents.geojson",
        "/data/facilities.fhir.json",
        "/data/facilities.hxl.csv",
        "/data/projects.xlsx",
        "/data/incidents.dictionary.csv",
        "/data/licence/",
    ):
        assert link in page
    assert "CC BY 4.0" in page and "#adm1+code" in page


def test_a_download_streams_the_file_with_its_licence(
    en_client: Client, make_facility: Callable[..., Any]
) -> None:
    make_facility(name_uk="Лікарня")

    response = en_client.get("/data/facilities.csv")

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "medinfra-facilities.csv" in response["Content-Disposition"]
    assert "creativecommons.org/licenses/by/4.0" in response["Link"]
    assert "Лікарня" in b"".join(response.streaming_content).decode()


@pytest.mark.parametrize(
    "url",
    [
        "/data/people.csv",
        "/data/incidents.fhir.json",
        "/data/incidents.exe",
        "/data/x.dictionary.csv",
    ],
)
def test_no_download_outside_the_public_tables_and_their_formats(
    en_client: Client, url: str, ua: Any
) -> None:
    assert en_client.get(url).status_code == 404


def test_the_import_page_asks_anonymous_people_to_sign_in(en_client: Client) -> None:
    response = en_client.get("/imports/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_import_page_turns_away_people_without_the_role(en_client: Client) -> None:
    from django.contrib.auth import get_user_model

    en_client.force_login(get_user_model().objects.create_user(username="public"))

    assert en_client.get("/imports/").status_code == 403
    assert upload(en_client, FACILITIES_CSV).status_code == 403
    assert not ImportRun.objects.exists()


def test_a_reporter_uploads_maps_checks_and_applies_a_file(reporter: Client, ua: Any) -> None:
    response = upload(reporter, FACILITIES_CSV)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/mapping/"

    page = reporter.get(f"/imports/{run.pk}/mapping/").content.decode()
    assert "Columns are separated by semicolons." in page
    fields = {
        f"column_{i}": name for i, name in enumerate(["id", "name_uk", "kind", "region", "beds"])
    }
    response = reporter.post(f"/imports/{run.pk}/mapping/", fields)
    assert response.status_code == 302
    report = reporter.get(f"/imports/{run.pk}/").content.decode()
    assert "2 would be added" in report
    assert "region (D)" in report and "UA-99" in report
    assert not Facility.objects.exists()

    response = reporter.post(f"/imports/{run.pk}/apply/")
    application = ImportRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == f"/imports/{application.pk}/"
    assert application.checked_by == run and not application.dry_run
    assert application.status == RunStatus.SUCCEEDED
    assert sorted(Facility.objects.values_list("external_id", flat=True)) == ["f-1", "f-3"]
    again = reporter.post(f"/imports/{run.pk}/apply/")
    assert again["Location"] == f"/imports/{application.pk}/"
    assert Facility.objects.count() == 2


def test_a_mapping_without_required_fields_is_answered_with_their_names(
    staff: Client, ua: Any
) -> None:
    upload(staff, FACILITIES_CSV)
    run = ImportRun.objects.get()

    response = staff.post(f"/imports/{run.pk}/mapping/", {"column_0": "id", "column_1": "name_uk"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "no column for “kind”" in page and "no column for “region”" in page
    run.refresh_from_db()
    assert run.status == RunStatus.PENDING


def test_a_mapping_to_a_field_that_does_not_exist_is_a_form_error(staff: Client, ua: Any) -> None:
    upload(staff, FACILITIES_CSV)
    run = ImportRun.objects.get()

    response = staff.post(f"/imports/{run.pk}/mapping/", {"column_0": "password"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (bytes(range(256)) * 50, "junk.csv", "binary data"),
        (b"PK\x03\x04garbage", "book.xlsx", "not an Excel workbook"),
        (b"\n\n\n", "blank.csv", "no rows"),
    ],
)
def test_a_file_that_cannot_be_read_is_answered_in_words_not_an_error(
    staff: Client, ua: Any, content: bytes, name: str, words: str
) -> None:
    response = upload(staff, content, name)
    run = ImportRun.objects.get()

    assert response["Location"] == f"/imports/{run.pk}/"
    page = staff.get(response["Location"])
    assert page.status_code == 200 and words in page.content.decode()
    assert run.status == RunStatus.REFUSED


def test_an_upload_without_a_file_or_kind_names_the_fields(staff: Client) -> None:
    response = staff.post("/imports/", {"kind": "people"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "id_file-errors" in page and "id_kind-errors" in page


def test_an_empty_upload_is_refused_by_the_form(staff: Client) -> None:
    response = upload(staff, b"")

    assert response.status_code == 400
    assert not ImportRun.objects.exists()


def test_an_unknown_source_is_named_on_the_form(staff: Client) -> None:
    response = upload(staff, FACILITIES_CSV, source="999")

    assert response.status_code == 400 and "No source has the id 999" in response.content.decode()


def test_progress_is_reported_while_a_run_goes_on(staff: Client, ua: Any, actor: Any) -> None:
    from medinfra.exchange.services import prepare_run, progress_to_file, store_upload, stored_path

    path, _, _ = store_upload([FACILITIES_CSV])
    run = prepare_run(path=path, file_name="f.csv", kind="facilities", user=None)
    assert stored_path(run) == path
    run.status = RunStatus.RUNNING
    run.save()
    progress_to_file(run)(1500, 4000)

    data = staff.get(f"/imports/{run.pk}/progress.json").json()
    page = staff.get(f"/imports/{run.pk}/").content.decode()

    assert data == {"done": 1500, "total": 4000, "status": "running", "finished": False}
    assert '<progress id="progress-bar" max="4000" value="1500">' in page
    assert "exchange/progress.js" in page


def test_reporters_see_only_their_own_runs(reporter: Client, ua: Any, actor: Any) -> None:
    from medinfra.exchange.services import prepare_run, store_upload

    path, _, _ = store_upload([FACILITIES_CSV])
    theirs = prepare_run(path=path, file_name="other.csv", kind="facilities", user=actor)

    assert reporter.get(f"/imports/{theirs.pk}/").status_code == 404
    assert "other.csv" not in reporter.get("/imports/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_run_started_from_the_page_runs_in_the_background(settings: Any, tmp_path: Any) -> None:
    import time

    from django.contrib.auth import get_user_model

    from medinfra.core.services import system_actor
    from medinfra.geography.services import load_country

    settings.MEDINFRA_IMPORT_IN_BACKGROUND = True
    load_country("UA", actor=system_actor())
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(grant(get_user_model().objects.create_user(username="bg"), Role.REPORTER))
    upload(client, FACILITIES_CSV)
    run = ImportRun.objects.get()
    fields = {f"column_{i}": n for i, n in enumerate(["id", "name_uk", "kind", "region", "beds"])}

    client.post(f"/imports/{run.pk}/mapping/", fields)
    deadline = time.monotonic() + 30
    while (
        time.monotonic() < deadline
        and not client.get(f"/imports/{run.pk}/progress.json").json()["finished"]
    ):
        time.sleep(0.1)

    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.message
    assert (run.created, run.rows_invalid) == (2, 1)


def test_the_pages_speak_ukrainian(ua: Any) -> None:
    from django.contrib.auth import get_user_model

    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    assert "Відкриті дані" in client.get("/data/").content.decode()
    assert "Ліцензія даних" in client.get("/data/licence/").content.decode()
    client.force_login(grant(get_user_model().objects.create_user(username="uk"), Role.REPORTER))
    assert "Імпортувати файл" in client.get("/imports/").content.decode()
