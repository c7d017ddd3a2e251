"""Attaching evidence: one record exactly, hashed while streamed, audited without file names."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from medinfra.core.crypto import MARKER
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.models import AuditEvent
from medinfra.evidence.models import EvidenceFile
from medinfra.evidence.services import attach_evidence, clean_file_name, retract_evidence
from medinfra.evidence.tests import samples
from medinfra.incidents.services import set_verification
from medinfra.occupied.services import retract_event


def chunked(data: bytes, size: int = 100) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_the_hash_is_computed_over_every_chunk(incident, reporter):
    data = samples.pdf_with_metadata()

    evidence = attach_evidence(
        actor=reporter, chunks=chunked(data), original_name="scan.pdf", incident=incident
    )

    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert (evidence.size, evidence.detected_type) == (len(data), "pdf")


def test_evidence_belongs_to_exactly_one_record(incident, occupied_event, reporter):
    data = samples.jpeg_with_gps()
    for targets in ({}, {"incident": incident, "occupied_event": occupied_event}):
        with pytest.raises(InvalidInput):
            attach_evidence(actor=reporter, chunks=[data], **targets)


def test_the_database_also_refuses_a_file_of_two_records(incident, occupied_event, reporter):
    evidence = attach_evidence(actor=reporter, chunks=[samples.jpeg_with_gps()], incident=incident)

    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFile.objects.filter(pk=evidence.pk).update(occupied_event=occupied_event)


def test_a_retracted_record_takes_no_evidence(occupied_event, administrator):
    retract_event(occupied_event, actor=administrator, reason="duplicate")

    with pytest.raises(Conflict):
        attach_evidence(
            actor=administrator, chunks=[samples.jpeg_with_gps()], occupied_event=occupied_event
        )


def test_the_file_name_is_private_and_kept_without_folders(incident, reporter):
    evidence = attach_evidence(
        actor=reporter,
        chunks=[samples.jpeg_with_gps()],
        original_name="C:\\Users\\Marker-Owner\\Pictures\\IMG_7.jpg",
        incident=incident,
    )

    assert evidence.original_name == "IMG_7.jpg"
    assert clean_file_name("../../etc/passwd") == "passwd"
    changes = AuditEvent.objects.filter(model="evidence.evidencefile").get().changes
    assert changes["after"]["original_name"] == MARKER
    assert "IMG_7" not in json.dumps(changes)
    with connection.cursor() as cursor:
        cursor.execute("SELECT original_name FROM evidence_evidencefile")
        assert "IMG_7" not in cursor.fetchone()[0]


def test_audit_verify_passes_with_evidence(incident, occupied_event, reporter, verifier):
    set_verification(incident, actor=verifier, state="verified")
    kept = attach_evidence(actor=reporter, chunks=[samples.jpeg_with_gps()], incident=incident)
    attach_evidence(
        actor=reporter, chunks=[samples.png_with_metadata()], occupied_event=occupied_event
    )
    retract_evidence(kept, actor=verifier, reason="blurred")
    out, err = StringIO(), StringIO()

    call_command("audit", "verify", stdout=out, stderr=err)

    assert "intact" in out.getvalue(), err.getvalue()
