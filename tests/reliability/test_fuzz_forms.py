"""Fuzzing the forms and the query strings of the pages: any value in any field gives a valid
form or errors that name fields, and a page answers 200, 302, 400, 403 or 404 — never a
server error — whoever asks, signed in or not.
"""

from __future__ import annotations

import inspect
from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from tests.api.conftest import World, world  # noqa: F401 - the fixture, for these tests too
from tests.reliability.budget import fuzz, tally

pytestmark = pytest.mark.django_db

ANSWERS = {200, 302, 400, 403, 404}

SPECIAL_VALUES = (
    "",
    " ",
    "\x00",
    "UA-63\x00",
    "\ufeff",
    "\u202e",
    "UA-63",
    "ua-63",
    "UA-43",
    "UA-99",
    "XX",
    "2023-05-04",
    "2023-02-30",
    "2023-5-4",
    "04.05.2023",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-1",
    "0",
    "1",
    "2",
    "3",
    "5",
    "6",
    "1.5",
    "1e5",
    "NaN",
    "Infinity",
    "9" * 30,
    "-" + "9" * 30,
    "1" * 400,
    "hospital",
    "damaged",
    "destroyed",
    "heavy_weapons",
    "confirmed",
    "facility",
    "large",
    "blue",
    "bw",
    "facilities_destroyed",
    "funded",
    "in_progress",
    "twinning",
    "commitment",
    "USD",
    "EUR",
    "uah",
    "uk",
    "en",
    "read",
    "enter",
    "confirm",
    "drop",
    "/",
    "//example.org/",
    "https://example.org/x",
    "javascript:alert(1)",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%(name)s",
    "' OR 1=1 --",
    "Харків",
)
values = st.one_of(st.sampled_from(SPECIAL_VALUES), st.text(max_size=40))

# The pages whose query strings are filters, with the names they read.
QUERY_PAGES: dict[str, tuple[str, ...]] = {
    "/": ("as_of", "metric", "region"),
    "/regions/": ("as_of",),
    "/regions/UA-63/": ("as_of",),
    "/regions/UA-43/": ("as_of",),
    "/facilities/": ("region", "kind", "status", "as_of", "page"),
    "/attacks/": ("region", "attack_type", "kind", "certainty", "as_of", "page"),
    "/vehicles/": ("region", "status", "as_of", "page"),
    "/charts/attacks-by-month.csv": ("as_of", "region"),
    "/charts/damage-by-month.csv": ("as_of", "region"),
    "/charts/regions.csv": ("as_of", "region"),
    "/bulletin.txt": ("as_of", "region", "lang"),
    "/about/": (),
    "/data/": (),
    "/data/facilities.csv": (),
    "/data/incidents.hxl": (),
    "/recovery/": ("as_of",),
    "/recovery/projects/": ("as_of", "region", "block", "stage", "scope", "page"),
    "/recovery/partners/": ("as_of",),
    "/recovery/who-does-what-where/": ("as_of", "block"),
    "/recovery/needs/": ("as_of",),
    "/recovery/priorities/": ("as_of", "region", "kind", "page"),
    "/recovery/rates/": ("amount", "currency", "on"),
    "/partnerships/": (
        "as_of",
        "programme",
        "partner_country",
        "kind",
        "status",
        "area",
        "region",
        "page",
    ),
    "/figures/": ("country",),
    "/figures/facilities_destroyed/": ("country", "region"),
    "/figures/review/": (),
    "/imports/": (),
}
# Pages whose address carries a value: the value is fuzzed in the path.
PATH_PAGES = (
    "/regions/{}/",
    "/facilities/{}/",
    "/figures/{}/",
    "/data/{}.csv",
    "/data/facilities.{}",
    "/recovery/projects/{}/",
    "/recovery/partners/{}/",
    "/recovery/priorities/{}/",
    "/partnerships/{}/",
    "/imports/{}/",
)


@pytest.fixture
def staff(db: None) -> Any:
    """An account holding every role, as staff."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from medinfra.core.roles import Role, ensure_role_groups

    ensure_role_groups()
    user = get_user_model().objects.create_user(username="everything", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=[r.value for r in Role]))
    return user


@pytest.fixture
def visitors(world: World, staff: Any, private_files: Any) -> dict[str, Client]:  # noqa: F811
    """A visitor who is not signed in, and one signed in with every role."""
    signed_in = Client()
    signed_in.force_login(staff)
    return {"anonymous": Client(), "staff": signed_in}


def assert_answers(response: Any, what: str) -> None:
    assert response.status_code in ANSWERS, (what, response.status_code)


# -- query strings -------------------------------------------------------------------------------


@st.composite
def queries(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]]]:
    path = draw(st.sampled_from(sorted(QUERY_PAGES)))
    names = st.sampled_from([*QUERY_PAGES[path], "as_of", "page", "x"])
    pairs = draw(st.lists(st.tuples(names, values), max_size=5))
    return path, pairs


@fuzz(500)
@given(query=queries(), who=st.sampled_from(["anonymous", "staff"]))
@example(query=("/figures/facilities_destroyed/", [("region", "\x00")]), who="anonymous")
@example(query=("/recovery/projects/", [("region", "UA-63\x00")]), who="anonymous")
@example(query=("/bulletin.txt", [("region", "\x00")]), who="anonymous")
@example(query=("/facilities/", [("page", "9" * 30)]), who="anonymous")
def test_any_query_string_of_a_page_is_answered_without_a_server_error(
    visitors: dict[str, Client], query: tuple[str, list[tuple[str, str]]], who: str
) -> None:
    tally("pages: query strings")
    path, pairs = query
    response = visitors[who].get(path + "?" + urlencode(pairs), HTTP_ACCEPT_ENCODING="identity")
    assert_answers(response, (path, pairs, who))


@fuzz(120)
@given(
    page=st.sampled_from(PATH_PAGES),
    value=st.one_of(
        st.sampled_from(SPECIAL_VALUES),
        st.integers(min_value=-1, max_value=2**70).map(str),
        st.text(alphabet=st.characters(blacklist_characters="/?#%"), min_size=1, max_size=20),
    ),
    who=st.sampled_from(["anonymous", "staff"]),
)
def test_any_value_in_an_address_is_answered_without_a_server_error(
    visitors: dict[str, Client], page: str, value: str, who: str
) -> None:
    tally("pages: addresses")
    if not value.strip("\x00 ") or "/" in value:
        value = "x"
    response = visitors[who].get(page.format(value))
    assert_answers(response, (page, value, who))


@fuzz(20)
@given(raw=st.binary(max_size=60))
def test_a_query_string_of_any_bytes_is_answered_without_a_server_error(
    visitors: dict[str, Client], raw: bytes
) -> None:
    tally("pages: raw query strings")
    query = "".join(chr(b) if 0x21 <= b < 0x7F and b != 0x23 else f"%{b:02X}" for b in raw)
    for path in ("/facilities/", "/recovery/projects/", "/partnerships/", "/figures/"):
        response = visitors["anonymous"].get(path, QUERY_STRING=query)
        assert_answers(response, (path, query))


# -- forms sent by staff (and the display form, by anyone) ---------------------------------------


def form_pages(world: World) -> dict[str, tuple[str, ...]]:  # noqa: F811
    """Pages that take a form, and the fields each form has (a few more are sent too)."""
    project, agreement, facility = world.project.pk, world.agreement.pk, world.kharkiv.pk
    return {
        "/display/": ("text", "scheme", "next"),
        "/recovery/partners/new/": ("name_en", "name_uk", "kind", "country"),
        "/recovery/projects/new/": (
            "title_en",
            "title_uk",
            "facility",
            "region",
            "block",
            "scope",
            "stage",
            "stage_since",
            "cost_estimate",
            "currency",
            "estimated_on",
            "priority",
        ),
        f"/recovery/projects/{project}/stage/": ("stage", "on", "note", "expected_version"),
        f"/recovery/projects/{project}/funding/": ("partner", "kind", "amount", "currency", "on"),
        "/recovery/rates/": ("currency", "valid_from", "per_usd"),
        "/recovery/priorities/": (
            "damage",
            "services",
            "population",
            "operation",
            "access",
            "reason",
            "expected_version",
        ),
        f"/recovery/priorities/{facility}/": ("population", "as_of"),
        "/partnerships/new/": (
            "facility",
            "partner",
            "kind",
            "programme",
            "signed_on",
            "areas",
            "status",
        ),
        f"/partnerships/{agreement}/status/": ("status", "reason", "expected_version"),
        "/figures/review/": (
            "text",
            "publisher",
            "title",
            "url",
            "published_on",
            "language",
            "country",
            "step",
            "form-TOTAL_FORMS",
            "form-INITIAL_FORMS",
            "form-0-decision",
            "form-0-metric",
            "form-0-value",
            "form-0-qualifier",
            "form-0-as_of",
            "form-0-as_of_precision",
            "form-0-country",
            "form-0-region",
            "form-0-span",
        ),
    }


@fuzz(400)
@given(data=st.data(), who=st.sampled_from(["staff", "staff", "anonymous"]))
def test_any_form_sent_to_a_page_is_answered_without_a_server_error(
    visitors: dict[str, Client],
    world: World,  # noqa: F811
    data: st.DataObject,
    who: str,
) -> None:
    tally("pages: forms sent")
    pages = form_pages(world)
    path = data.draw(st.sampled_from(sorted(pages)))
    fields = data.draw(
        st.dictionaries(st.sampled_from([*pages[path], "x"]), values, max_size=len(pages[path]))
    )
    response = visitors[who].post(path, fields)
    assert_answers(response, (path, fields, who))


@fuzz(60)
@given(
    content=st.one_of(
        st.binary(max_size=600),
        st.sampled_from([b"id,name_uk,kind,region\r\nf-7,A,hospital,UA-63\r\n", b"\x00" * 50]),
    ),
    name=st.sampled_from(["file.csv", "file.xlsx", "file.txt", "", "ф.csv", "a" * 300]),
    fields=st.dictionaries(
        st.sampled_from(["kind", "file_format", "sheet", "source", "strict"]), values
    ),
)
def test_any_upload_to_the_import_page_is_answered_without_a_server_error(
    visitors: dict[str, Client], content: bytes, name: str, fields: dict[str, str]
) -> None:
    tally("pages: import uploads")
    body: dict[str, Any] = dict(fields)
    if name:
        body["file"] = SimpleUploadedFile(name, content)
    response = visitors["staff"].post("/imports/", body)
    assert_answers(response, (name, fields))


# -- the form classes, bound to any data -------------------------------------------------------


def _form_classes() -> list[type[forms.Form]]:
    from medinfra.dashboard import forms as dashboard_forms
    from medinfra.exchange import forms as exchange_forms
    from medinfra.figures import forms as figures_forms
    from medinfra.partnerships import forms as partnership_forms
    from medinfra.recovery import forms as recovery_forms

    found = []
    for module in (
        dashboard_forms,
        exchange_forms,
        figures_forms,
        recovery_forms,
        partnership_forms,
    ):
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, forms.Form)
                and value.__module__ == module.__name__
                and value is not forms.Form
            ):
                found.append(value)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


FORM_CLASSES = _form_classes()


def bind(form_class: type[forms.Form], data: dict[str, str], world: World) -> forms.Form:  # noqa: F811
    """The form bound to the data, with what its constructor needs."""
    from medinfra.exchange.forms import MappingForm, UploadForm
    from medinfra.exchange.schemas import TABLES
    from medinfra.figures.forms import CandidateForm, region_choices
    from medinfra.geography.models import Region
    from medinfra.recovery.forms import StageForm

    parameters = inspect.signature(form_class.__init__).parameters
    if "regions" in parameters:
        return form_class(data, regions=Region.objects.all())  # type: ignore[call-arg]
    if form_class is MappingForm:
        return MappingForm(
            data,
            table=TABLES["incidents"],
            header=["Дата", "Область", ""],
            fields=["occurred_on", "region", ""],
        )
    if form_class is StageForm:
        return StageForm(data, project=world.project)
    if form_class is CandidateForm:
        return CandidateForm(data, region_choices=region_choices())
    if form_class is UploadForm:
        return UploadForm(data, {"file": SimpleUploadedFile("f.csv", b"a,b\n1,2\n")})
    return form_class(data)


def field_names(form_class: type[forms.Form]) -> list[str]:
    names = list(form_class.base_fields)
    return [*names, "column_0", "column_1", "column_2", "x"] if not names else [*names, "x"]


@fuzz(800, postgres_share=1)
@given(data=st.data(), form_class=st.sampled_from(FORM_CLASSES))
def test_every_form_is_valid_or_names_the_fields_that_are_wrong(
    world: World,  # noqa: F811
    data: st.DataObject,
    form_class: type[forms.Form],
) -> None:
    tally("form classes")
    names = field_names(form_class)
    fields = data.draw(st.dictionaries(st.sampled_from(names), values, max_size=len(names)))
    form = bind(form_class, fields, world)
    if form.is_valid():
        return
    assert form.errors
    unnamed = set(form.errors) - set(form.fields)
    assert not unnamed, (form_class.__name__, fields, form.errors)
    for name, messages in form.errors.items():
        assert all(str(m).strip() for m in messages), (name, messages)


def test_the_fuzzed_forms_include_every_form_of_the_brief() -> None:
    names = {c.__name__ for c in FORM_CLASSES}
    assert {"AsOfForm", "HomeForm", "FacilityFilterForm", "UploadForm", "MappingForm"} <= names
    assert {"SourceForm", "CandidateForm", "ProjectForm", "PartnerForm", "ConvertForm"} <= names
