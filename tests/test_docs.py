"""The documentation in docs/ says what the code does: models, fields, choices, paths, examples."""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
D = dt.date


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


# -- reading markdown ----------------------------------------------------------------------------


def sections(text: str, level: int = 3) -> dict[str, str]:
    """The body of every heading of the given level, up to the next heading of that level or
    higher, keyed by the heading's text."""
    found: dict[str, str] = {}
    title: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        match = re.match(r"^(#+) (.*)$", line)
        if match and len(match.group(1)) <= level:
            if title is not None:
                found[title] = "\n".join(body)
            title = match.group(2).strip() if len(match.group(1)) == level else None
            body = []
        elif title is not None:
            body.append(line)
    if title is not None:
        found[title] = "\n".join(body)
    return found


def tables(text: str) -> Iterator[tuple[list[str], list[list[str]]]]:
    """Every markdown table in the text, as (header cells, rows of cells)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("| ---"):
            header = cells(lines[i])
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(cells(lines[i]))
                i += 1
            yield header, rows
        else:
            i += 1


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split(" | ")]


def table(text: str, header: list[str]) -> list[list[str]]:
    """The rows of the one table with this header."""
    found = [rows for head, rows in tables(text) if head == header]
    assert len(found) == 1, f"expected one table with header {header}, found {len(found)}"
    return found[0]


def unquote(cell: str) -> str:
    """`name` -> name."""
    return cell[1:-1] if cell.startswith("`") and cell.endswith("`") else cell


def slug(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


# -- the models ----------------------------------------------------------------------------------


def medinfra_models() -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("medinfra.")
        for model in config.get_models()
        if not model._meta.abstract and not model._meta.proxy
    ]


def record_base() -> type[models.Model]:
    from medinfra.core.models import Record

    return Record


RECORD_FIELDS = (
    "created_at",
    "updated_at",
    "version",
    "retracted_at",
    "retracted_by",
    "retraction_reason",
)


def is_record(model: type[models.Model]) -> bool:
    return issubclass(model, record_base())


def documented_fields(model: type[models.Model]) -> list[Any]:
    """The fields a model's own table lists: everything stored, except the automatic id and,
    for records, the fields every record has (listed once, under Record)."""
    fields = [*model._meta.local_fields, *model._meta.local_many_to_many]
    return [
        f
        for f in fields
        if not (f.primary_key and f.auto_created)
        and not (is_record(model) and f.name in RECORD_FIELDS)
    ]


def choice_fields(model: type[models.Model]) -> list[Any]:
    return [f for f in documented_fields(model) if f.choices]


MODELS = medinfra_models()
MODEL_IDS = [m.__name__ for m in MODELS]
FIELD_HEADER = ["field", "type", "required", "meaning"]
CHOICE_HEADER = ["value", "meaning"]


@pytest.fixture(scope="module")
def model_sections() -> dict[str, str]:
    return sections(read("data-model.md"))


def field_rows(section: str) -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for header, body in tables(section):
        if header == FIELD_HEADER:
            for row in body:
                name = unquote(row[0])
                assert name not in rows, f"field {name} is listed twice"
                rows[name] = row
    return rows


def choice_rows(section: str) -> dict[str, list[list[str]]]:
    """The rows of each choice table, keyed by the field named in the line above the table:
    *Condition* (`condition`):"""
    found: dict[str, list[list[str]]] = {}
    lines = section.splitlines()
    for i, line in enumerate(lines[:-1]):
        if cells(line) == CHOICE_HEADER and line.startswith("|"):
            above = next((text for text in reversed(lines[:i]) if text.strip()), "")
            match = re.search(r"\(`(\w+)`\)", above)
            assert match, f"say which field this choice table is for: {above!r}"
            body = []
            for row in lines[i + 2 :]:
                if not row.startswith("|"):
                    break
                body.append(cells(row))
            found[match.group(1)] = body
    return found


def is_required(field: Any) -> bool:
    """Must be given when the row is created: not blank, not null, no default."""
    if field.many_to_many:
        return not field.blank
    return not field.blank and not field.null and not field.has_default()


def expected_type(field: Any) -> str:
    if field.many_to_many:
        return f"→ `{field.related_model.__name__}` (many)"
    if field.is_relation:
        related = field.related_model
        # On the abstract Record the user model is still the string "auth.User".
        label = related if isinstance(related, str) else related._meta.label
        if label == settings.AUTH_USER_MODEL:
            return "→ user account"
        return f"→ `{related.__name__}`"
    kinds: list[tuple[type[models.Field], Callable[[Any], str]]] = [
        (models.URLField, lambda f: f"URL (≤ {f.max_length})"),
        (models.TextField, lambda f: "text (any length)"),
        (models.CharField, lambda f: f"text (≤ {f.max_length})"),
        (models.DateTimeField, lambda f: "date and time"),
        (models.DateField, lambda f: "date"),
        (
            models.DecimalField,
            lambda f: f"decimal ({f.max_digits} digits, {f.decimal_places} after the point)",
        ),
        (models.BooleanField, lambda f: "true/false"),
        (models.JSONField, lambda f: "JSON"),
        (models.GenericIPAddressField, lambda f: "IP address"),
        (models.PositiveSmallIntegerField, lambda f: "small whole number ≥ 0"),
        (models.PositiveIntegerField, lambda f: "whole number ≥ 0"),
        (models.PositiveBigIntegerField, lambda f: "whole number ≥ 0"),
        (models.IntegerField, lambda f: "whole number"),
    ]
    for kind, words in kinds:
        if isinstance(field, kind):
            return words(field)
    raise AssertionError(f"tests/test_docs.py does not know how to name {type(field).__name__}")


def default_words(field: Any) -> str | None:
    if not field.has_default() or callable(field.default):
        return None
    value = field.default
    if isinstance(value, bool):
        return "false" if value is False else "true"
    return str(value)


def check_field_row(model_name: str, field: Any, row: list[str]) -> None:
    from medinfra.core.validators import not_in_future

    where = f"{model_name}.{field.name} in docs/data-model.md"
    _, type_cell, required_cell, meaning = row
    assert meaning, f"{where}: say what the field means"
    expected = expected_type(field)
    assert type_cell == expected or type_cell.startswith(expected + ","), (
        f"{where}: the type should read {expected!r}, not {type_cell!r}"
    )
    assert ("one of" in type_cell) == bool(field.choices), (
        f"{where}: name the choice list in the type ('one of *...*') exactly when it has one"
    )
    checks_future = not_in_future in getattr(field, "validators", [])
    assert ("not after today" in type_cell) == checks_future, (
        f"{where}: say 'not after today' exactly when the field refuses future dates"
    )
    wanted = "yes" if is_required(field) else "no"
    assert required_cell.split(" ")[0] == wanted, f"{where}: required should be {wanted!r}"
    default = default_words(field)
    if default is not None:
        assert f"default {default}" in required_cell or f"default `{default}`" in required_cell, (
            f"{where}: give the default ({default})"
        )


# -- data-model.md -------------------------------------------------------------------------------


def test_the_apps_have_models_to_document() -> None:
    assert len(MODELS) >= 19


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_every_model_has_its_own_section(
    model: type[models.Model], model_sections: dict[str, str]
) -> None:
    assert model.__name__ in model_sections, (
        f"docs/data-model.md needs a section '### {model.__name__}'"
    )


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_every_field_is_described_with_its_type_and_whether_it_is_required(
    model: type[models.Model], model_sections: dict[str, str]
) -> None:
    rows = field_rows(model_sections.get(model.__name__, ""))
    for field in documented_fields(model):
        assert field.name in rows, (
            f"docs/data-model.md: the table of {model.__name__} lacks the field {field.name}"
        )
        check_field_row(model.__name__, field, rows[field.name])


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_no_field_is_described_that_the_model_does_not_have(
    model: type[models.Model], model_sections: dict[str, str]
) -> None:
    real = {f.name for f in documented_fields(model)}
    invented = set(field_rows(model_sections.get(model.__name__, ""))) - real
    assert not invented, f"docs/data-model.md: {model.__name__} has no field {sorted(invented)}"


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_every_choice_value_is_listed_with_its_meaning(
    model: type[models.Model], model_sections: dict[str, str]
) -> None:
    tables_by_field = choice_rows(model_sections.get(model.__name__, ""))
    with translation.override("en"):
        for field in choice_fields(model):
            assert field.name in tables_by_field, (
                f"docs/data-model.md: {model.__name__}.{field.name} needs a table of its values"
            )
            rows = {unquote(row[0]): row[1] for row in tables_by_field[field.name]}
            for value, label in field.choices:
                assert str(value) in rows, (
                    f"docs/data-model.md: {model.__name__}.{field.name} lacks the value {value!r}"
                )
                assert str(label) in rows[str(value)], (
                    f"docs/data-model.md: {model.__name__}.{field.name} {value!r} should say "
                    f"{str(label)!r}"
                )


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_no_choice_value_is_listed_that_the_model_does_not_allow(
    model: type[models.Model], model_sections: dict[str, str]
) -> None:
    fields = {f.name: f for f in choice_fields(model)}
    for name, rows in choice_rows(model_sections.get(model.__name__, "")).items():
        assert name in fields, f"docs/data-model.md: {model.__name__}.{name} has no choices"
        allowed = {str(value) for value, _ in fields[name].choices}
        listed = {unquote(row[0]) for row in rows}
        assert listed <= allowed, (
            f"docs/data-model.md: {model.__name__}.{name} allows no value "
            f"{sorted(listed - allowed)}"
        )


def test_the_fields_every_record_has_are_described_once(model_sections: dict[str, str]) -> None:
    section = model_sections["Record (abstract base)"]
    rows = field_rows(section)
    record_fields = {f.name: f for f in record_base()._meta.fields}
    assert set(rows) == set(record_fields) == set(RECORD_FIELDS)
    for name, field in record_fields.items():
        check_field_row("Record", field, rows[name])


def test_the_list_of_records_is_complete(model_sections: dict[str, str]) -> None:
    section = model_sections["Record (abstract base)"]
    match = re.search(r"The records are:(.*?)\. Each", section, re.DOTALL)
    assert match, "docs/data-model.md: keep the sentence 'The records are: ... . Each ...'"
    listed = set(re.findall(r"`(\w+)`", match.group(1)))
    assert listed == {m.__name__ for m in MODELS if is_record(m)}


def test_every_field_named_private_exists() -> None:
    text = read("data-model.md")
    privacy = text.split("## Protecting people", 1)[1].split("\n## ", 1)[0]
    by_name = {m.__name__: m for m in MODELS}
    for model_name, name in re.findall(r"`(\w+)\.(\w+)`", privacy):
        if model_name in by_name:
            assert hasattr(by_name[model_name], name), f"{model_name} has no {name}"


# -- paths, links, names -------------------------------------------------------------------------


def doc_files() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def backticked(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)


PATH_PREFIXES = ("medinfra/", "docs/", "scripts/", "tests/", ".ci/")


@pytest.mark.parametrize("doc", doc_files(), ids=lambda p: p.name)
def test_every_path_in_backticks_exists(doc: Path) -> None:
    missing = []
    for token in backticked(doc.read_text(encoding="utf-8")):
        path = token.split(",")[0].strip()
        if not path.startswith(PATH_PREFIXES) or " " in path or "<" in path:
            continue
        if "*" in path:
            if not list(ROOT.glob(path)):
                missing.append(path)
        elif not (ROOT / path).exists():
            missing.append(path)
    assert not missing, f"docs/{doc.name} names paths that do not exist: {missing}"


def test_directory_structure_names_paths_under_medinfra() -> None:
    paths = [t for t in backticked(read("directory-structure.md")) if t.startswith("medinfra/")]
    assert len(paths) > 20


def test_every_folder_of_the_package_is_described() -> None:
    text = read("directory-structure.md")
    for folder in sorted((ROOT / "medinfra").iterdir()):
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            assert f"`medinfra/{folder.name}/`" in text, (
                f"docs/directory-structure.md does not describe medinfra/{folder.name}/"
            )


def test_every_top_level_folder_is_described() -> None:
    text = read("directory-structure.md")
    for folder in sorted(ROOT.iterdir()):
        if (
            folder.is_dir()
            and not folder.name.startswith((".", "_"))
            and not folder.name.endswith(".egg-info")
            and folder.name not in {"build", "dist"}
        ):
            assert f"`{folder.name}/`" in text, (
                f"docs/directory-structure.md does not describe {folder.name}/"
            )


def test_every_app_is_described() -> None:
    text = read("directory-structure.md")
    for config in apps.get_app_configs():
        if config.name.startswith("medinfra."):
            folder = config.name.replace(".", "/")
            assert f"`{folder}/`" in text, f"docs/directory-structure.md lacks {folder}/"


def test_the_index_lists_every_page() -> None:
    index = read("README.md")
    for doc in doc_files():
        if doc.name != "README.md":
            assert f"]({doc.name})" in index, f"docs/README.md does not link {doc.name}"


@pytest.mark.parametrize("doc", doc_files(), ids=lambda p: p.name)
def test_every_link_between_pages_arrives(doc: Path) -> None:
    for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue
        page, _, anchor = target.partition("#")
        path = (doc.parent / page) if page else doc
        assert path.exists(), f"docs/{doc.name} links to {target}, which does not exist"
        if anchor and path.suffix == ".md":
            headings = re.findall(r"^#+ (.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)
            assert anchor in {slug(h) for h in headings}, (
                f"docs/{doc.name} links to {target}: no such heading"
            )


def defined_names() -> set[str]:
    """Every function, method and class defined in the medinfra package and the benchmarks."""
    names: set[str] = set()
    paths = [*(ROOT / "medinfra").rglob("*.py"), *(ROOT / "benchmarks").glob("*.py")]
    for path in paths:
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
    return names


@pytest.mark.parametrize("doc", doc_files(), ids=lambda p: p.name)
def test_every_function_named_exists(doc: Path) -> None:
    names = defined_names()
    called = {
        match.split(".")[-1]
        for match in re.findall(r"`([A-Za-z_][\w.]*)\(", doc.read_text(encoding="utf-8"))
    }
    assert not called - names, (
        f"docs/{doc.name} names functions that do not exist: {sorted(called - names)}"
    )


# -- counting-rules.md: the demo plan ------------------------------------------------------------


def number(cell: str) -> int:
    return int(cell.replace(",", ""))


def test_the_demo_plan_constants_are_as_documented() -> None:
    from medinfra.demo import plan

    rows = table(read("counting-rules.md"), ["constant", "value", "meaning"])
    assert rows
    for row in rows:
        name, value = unquote(row[0]), row[1]
        actual = getattr(plan, name)
        if isinstance(actual, dt.date):
            assert value == actual.isoformat(), name
        elif isinstance(actual, dict):
            assert value == ", ".join(f"{k} {v:,}" for k, v in actual.items()), name
        else:
            assert number(value) == actual, name


def test_the_demo_plan_adds_up_as_documented() -> None:
    from medinfra.demo import plan

    late_destroyed_after_damage = plan.DESTROYED - plan.DESTROYED_AT_SNAPSHOT - 28
    early_partial = plan.PARTIAL_AT_SNAPSHOT - late_destroyed_after_damage
    assert (early_partial, late_destroyed_after_damage) == (1400, 87)
    assert plan.PARTIAL - early_partial == 620
    assert plan.FULLY_RESTORED + plan.PARTIALLY_RESTORED + plan.WORKING_WITHOUT_RESTORATION == 1106
    text = read("counting-rules.md")
    for figure in ("1,400", "620", "87", "1,106", "2,020", "305", "2,325"):
        assert figure in text


# -- counting-rules.md: the worked examples hold ------------------------------------------------


def as_of_cell(cell: str) -> dt.date:
    return dt.date.fromisoformat(cell)


def test_example_damaged_then_destroyed_counts_once_as_destroyed(make_facility, assess) -> None:
    from medinfra.facilities.queries import damage_counts

    hospital = make_facility(region="UA-63")
    assess(hospital, D(2022, 3, 1), "partial", "partial")
    assess(hospital, D(2022, 9, 1), "destroyed", "none")
    assess(hospital, D(2023, 6, 1), "none", "full")
    a_clinic_never_damaged = make_facility(region="UA-63")
    assess(a_clinic_never_damaged, D(2022, 3, 1), "none", "full")

    rows = table(
        read("counting-rules.md"),
        ["as of", "damaged or destroyed", "partially damaged", "destroyed"],
    )
    assert len(rows) == 4
    for as_of, total, partial, destroyed in rows:
        counts = damage_counts(as_of=as_of_cell(as_of), country="UA")
        assert (counts.damaged_or_destroyed, counts.partially_damaged, counts.destroyed) == (
            int(total),
            int(partial),
            int(destroyed),
        ), as_of


def test_example_latest_restoration_milestone_counts(make_facility, assess, restore) -> None:
    from medinfra.facilities.queries import damage_counts

    facility = make_facility(region="UA-63")
    assess(facility, D(2022, 3, 1), "partial")
    restore(facility, D(2023, 2, 1), "partially_restored")
    restore(facility, D(2023, 9, 1), "fully_restored")

    rows = table(
        read("counting-rules.md"),
        ["as of", "damaged or destroyed", "partially restored", "fully restored"],
    )
    assert len(rows) == 3
    for as_of, total, partially, fully in rows:
        counts = damage_counts(as_of=as_of_cell(as_of), country="UA")
        assert (counts.damaged_or_destroyed, counts.partially_restored, counts.fully_restored) == (
            int(total),
            int(partially),
            int(fully),
        ), as_of


def test_example_back_in_operation_follows_latest_functionality(make_facility, assess) -> None:
    from medinfra.facilities.queries import damage_counts

    clinic = make_facility(region="UA-63")
    assess(clinic, D(2022, 4, 1), "partial", "none")
    assess(clinic, D(2022, 10, 1), "partial", "partial")

    assert damage_counts(as_of=D(2022, 9, 30)).back_in_operation == 0
    assert damage_counts(as_of=D(2022, 10, 1)).back_in_operation == 1


def test_example_attacks_public_and_staff(make_facility, make_incident, other_actor) -> None:
    from medinfra.incidents.queries import attack_counts
    from medinfra.incidents.services import set_verification

    hospital = make_facility(region="UA-63")
    on = D(2022, 6, 1)
    first = make_incident(facility=hospital, occurred_on=on, certainty="confirmed")
    second = make_incident(facility=hospital, occurred_on=on, certainty="probable")
    third = make_incident(facility=hospital, occurred_on=on, certainty="possible")
    for incident in (first, second):
        set_verification(incident, actor=other_actor, state="verified")

    counts = attack_counts(as_of=D(2023, 1, 1))
    assert counts.verified == 2
    assert counts.all_not_rejected == 3
    assert [counts.by_certainty(c) for c in ("confirmed", "probable", "possible")] == [1, 1, 1]

    set_verification(third, actor=other_actor, state="rejected", reason="not confirmed")
    counts = attack_counts(as_of=D(2023, 1, 1))
    assert counts.all_not_rejected == 2
    assert counts.by_certainty("possible") == 0
    assert counts.by_certainty("possible", include_rejected=True) == 1


def test_example_vehicles_by_worst_status(make_vehicle) -> None:
    from medinfra.vehicles.queries import vehicle_counts

    rows = table(
        read("counting-rules.md"), ["vehicle", "events", "as of 2023-01-01", "as of 2024-01-01"]
    )
    assert len(rows) == 5
    for row in rows:
        events = tuple(
            (dt.date.fromisoformat(on), status)
            for status, on in re.findall(r"`(\w+)` (\d{4}-\d\d-\d\d)", row[1])
        )
        make_vehicle(region="UA-63", events=events)
    for column, as_of in ((2, D(2023, 1, 1)), (3, D(2024, 1, 1))):
        expected = Counter(row[column] for row in rows)
        counts = vehicle_counts(as_of=as_of)
        assert (counts.damaged, counts.destroyed, counts.seized) == (
            expected["damaged"],
            expected["destroyed"],
            expected["seized"],
        ), as_of


def test_example_inaccessible_region_counts_nationally(actor, make_facility, assess) -> None:
    from medinfra.dashboard.queries import headline
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import set_access_status

    assess(make_facility(region="UA-63"), D(2022, 5, 1), "destroyed")
    assess(make_facility(region="UA-09"), D(2022, 5, 1), "destroyed")
    luhansk = region_by_code("UA-09")
    set_access_status(luhansk, status="inaccessible", actor=actor)

    figures = headline(country="UA", as_of=D(2023, 1, 1))
    shown = {r.region.code: r.damage for r in figures.regions}
    rows = {
        row[0]: row[1]
        for row in table(read("counting-rules.md"), ["as of 2023-01-01", "destroyed"])
    }
    assert shown["UA-63"] is not None
    assert str(shown["UA-63"].destroyed) == rows["row `UA-63`"]
    assert shown["UA-09"] is None and rows["row `UA-09`"] == "not assessable"
    assert figures.damage is not None
    assert str(figures.damage.destroyed) == rows["national total"]
    assert headline(country="UA", as_of=D(2023, 1, 1), region=luhansk).damage is None


def test_example_ranking(actor, make_facility, assess) -> None:
    from medinfra.dashboard.queries import headline
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import set_access_status

    rows = table(read("counting-rules.md"), ["region", "damaged or destroyed", "destroyed", "rank"])
    expected = []
    for region_cell, total_cell, destroyed_cell, rank in rows:
        code = re.search(r"`(UA-\w+)`", region_cell).group(1)  # type: ignore[union-attr]
        total = int(re.match(r"\d+", total_cell).group())  # type: ignore[union-attr]
        destroyed = int(re.match(r"\d+", destroyed_cell).group())  # type: ignore[union-attr]
        for n in range(total):
            assess(
                make_facility(region=code),
                D(2022, 5, 1),
                "destroyed" if n < destroyed else "partial",
            )
        if "inaccessible" in region_cell:
            set_access_status(region_by_code(code), status="inaccessible", actor=actor)
        if rank.isdigit():
            expected.append((int(rank), code))

    ranking = headline(country="UA", as_of=D(2023, 1, 1)).ranking

    assert [r.region.code for r in ranking] == [code for _, code in sorted(expected)]
