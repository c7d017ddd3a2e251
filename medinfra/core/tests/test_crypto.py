"""Names and contacts are encrypted at rest, with a key production cannot start without."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from medinfra.core import crypto
from medinfra.core.services import snapshot

ROOT = Path(__file__).resolve().parents[3]
KEY_A = crypto.generate_key()
KEY_B = crypto.generate_key()


def contact_model():
    # The core imports no domain app; the field is exercised on a model that uses it.
    return apps.get_model("occupied", "ContactLogEntry")


@pytest.fixture
def key_a(monkeypatch):
    monkeypatch.setenv(crypto.ENV_VAR, KEY_A)


@pytest.fixture
def entry(key_a, make_facility):
    return contact_model().objects.create(
        facility=make_facility(region="UA-14"),
        contacted_on=dt.date(2024, 5, 2),
        channel="phone",
        summary="Head doctor says the X-ray unit was taken",
        contact_name="Olena Marker-Kovalenko",
        contact_details="+380 50 000 11 22",
    )


def raw_columns(obj, *names: str) -> dict[str, str]:
    table = obj._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(quote(obj._meta.get_field(n).column) for n in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(table)} WHERE id = %s", [obj.pk])  # noqa: S608
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True))


def test_text_comes_back_as_it_was_saved(entry):
    again = contact_model().objects.get(pk=entry.pk)

    assert again.contact_name == "Olena Marker-Kovalenko"
    assert again.contact_details == "+380 50 000 11 22"
    assert again.summary == "Head doctor says the X-ray unit was taken"


def test_the_database_holds_no_plain_text(entry):
    stored = raw_columns(entry, "contact_name", "contact_details", "summary")

    assert "Marker-Kovalenko" not in stored["contact_name"]
    assert "000 11 22" not in stored["contact_details"]
    assert "X-ray" not in stored["summary"]
    assert crypto.decrypt(stored["contact_name"]) == "Olena Marker-Kovalenko"


def test_the_same_name_is_stored_differently_each_time(entry):
    twin = contact_model().objects.create(
        facility=entry.facility,
        contacted_on=entry.contacted_on,
        channel="phone",
        summary="again",
        contact_name="Olena Marker-Kovalenko",
    )

    assert raw_columns(entry, "contact_name") != raw_columns(twin, "contact_name")


def test_empty_text_stays_empty_and_can_be_looked_up(entry):
    empty = contact_model().objects.create(
        facility=entry.facility, contacted_on=entry.contacted_on, channel="email", summary="s"
    )

    assert raw_columns(empty, "contact_name") == {"contact_name": ""}
    assert list(contact_model().objects.filter(contact_name="")) == [empty]


def test_an_encrypted_value_cannot_be_searched(entry):
    with pytest.raises(ValueError, match="encrypted"):
        list(contact_model().objects.filter(contact_name="Olena Marker-Kovalenko"))


def test_a_wrong_key_is_a_clear_error_naming_the_field(entry, monkeypatch):
    monkeypatch.setenv(crypto.ENV_VAR, KEY_B)

    with pytest.raises(crypto.EncryptionKeyError) as raised:
        contact_model().objects.get(pk=entry.pk)

    message = str(raised.value)
    assert "occupied.contactlogentry" in message
    assert crypto.ENV_VAR in message
    assert "Marker-Kovalenko" not in message


def test_a_new_key_listed_first_reads_old_values_and_rotation_moves_them(entry, monkeypatch):
    monkeypatch.setenv(crypto.ENV_VAR, f"{KEY_B},{KEY_A}")
    assert contact_model().objects.get(pk=entry.pk).contact_name == "Olena Marker-Kovalenko"

    rewritten = crypto.reencrypt_all()

    assert rewritten >= 3
    monkeypatch.setenv(crypto.ENV_VAR, KEY_B)
    assert contact_model().objects.get(pk=entry.pk).contact_name == "Olena Marker-Kovalenko"


def test_a_malformed_key_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv(crypto.ENV_VAR, f"{KEY_A},not-a-key")

    with pytest.raises(ImproperlyConfigured, match="MEDINFRA_ENCRYPTION_KEY: key 2 of 2"):
        crypto.require_key_in_production()


def test_the_audit_snapshot_leaves_encrypted_fields_out(entry):
    taken = snapshot(entry)

    assert "Marker-Kovalenko" not in str(taken)
    assert "contact_name" not in taken
    assert "channel" in taken


def test_dumps_carry_a_marker_not_the_text(entry):
    field = entry._meta.get_field("contact_name")

    assert field.value_to_string(entry) == crypto.MARKER


def test_outside_production_a_local_key_is_kept_under_the_var_directory(
    monkeypatch, settings, tmp_path
):
    monkeypatch.delenv(crypto.ENV_VAR, raising=False)
    settings.VAR_DIR = tmp_path

    token = crypto.encrypt("Marker name")

    key_file = tmp_path / crypto.KEY_FILE_NAME
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o077 == 0
    assert crypto.decrypt(token) == "Marker name"
    assert [p.name for p in tmp_path.iterdir()] == [crypto.KEY_FILE_NAME]


# -- starting the application ---------------------------------------------------------------------


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in (crypto.ENV_VAR, "MEDINFRA_ENV", "MEDINFRA_ALLOWED_HOSTS")
    }
    environment.update(
        MEDINFRA_VAR_DIR=str(tmp_path),
        MEDINFRA_ALLOWED_HOSTS="example.org",
        MEDINFRA_SECRET_KEY="a-long-random-key-" + "x1y2z3" * 10,
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "medinfra.cli", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_the_key(tmp_path):
    result = run_check(tmp_path)

    assert result.returncode != 0
    assert "MEDINFRA_ENCRYPTION_KEY is not set" in result.stderr
    assert not (tmp_path / crypto.KEY_FILE_NAME).exists()


def test_production_starts_with_the_key(tmp_path):
    result = run_check(tmp_path, **{crypto.ENV_VAR: KEY_A})

    assert result.returncode == 0, result.stderr
    assert "System check identified" in result.stdout + result.stderr


def test_production_refuses_a_malformed_key(tmp_path):
    result = run_check(tmp_path, **{crypto.ENV_VAR: "k" * 44})

    assert result.returncode != 0
    assert "MEDINFRA_ENCRYPTION_KEY: key 1 of 1 is not a valid key" in result.stderr
    assert "k" * 44 not in result.stderr
