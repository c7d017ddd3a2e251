"""Writes of evidence files: attaching one to a record, and retracting it (never deleting)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medinfra.core.crypto import sealed_markers
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.services import Actor, create_record, retract_record, user_of
from medinfra.evidence.files import new_storage_name, receive
from medinfra.evidence.models import EvidenceFile
from medinfra.incidents.models import Incident
from medinfra.occupied.models import OccupiedEvent

NAME_LIMIT = 255


def clean_file_name(name: str) -> str:
    """The file's own name, without any folder a browser sent with it."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return "".join(ch for ch in base if ch.isprintable())[:NAME_LIMIT]


def attach_evidence(
    *,
    actor: Actor,
    chunks: Iterable[bytes],
    original_name: str = "",
    incident: Incident | None = None,
    occupied_event: OccupiedEvent | None = None,
    field: str = "file",
) -> EvidenceFile:
    """Keep a file as evidence of one incident or event: checked, hashed, stored, audited.

    A file the record already has (same SHA-256) is refused, naming the evidence it repeats.
    """
    if (incident is None) == (occupied_event is None):
        raise InvalidInput(
            {"__all__": _("Attach the file to one incident or one event, not to both or none.")}
        )
    record = incident if incident is not None else occupied_event
    assert record is not None
    if record.is_retracted:
        raise Conflict(_("The record is retracted: no evidence can be added to it."))
    received = receive(chunks, field=field)
    try:
        same_record = (
            EvidenceFile.objects.filter(incident=incident)
            if incident is not None
            else EvidenceFile.objects.filter(occupied_event=occupied_event)
        )
        earlier = same_record.filter(sha256=received.sha256).first()
        if earlier is not None:
            raise InvalidInput(
                {
                    field: _(
                        "This file is already attached here, as evidence file %(number)s "
                        "(uploaded on %(on)s): nothing was added."
                    )
                    % {"number": earlier.pk, "on": f"{earlier.uploaded_at:%Y-%m-%d}"}
                }
            )
        evidence = EvidenceFile(
            incident=incident,
            occupied_event=occupied_event,
            uploaded_by=user_of(actor),
            uploaded_at=timezone.now(),
            size=received.size,
            sha256=received.sha256,
            detected_type=received.detected_type,
            original_name=clean_file_name(original_name),
            storage_name=new_storage_name(),
        )
        try:
            with transaction.atomic():
                create_record(evidence, actor=actor, extra_changes=sealed_markers(evidence))
                # Inside the transaction: if the move fails, no row names a missing file.
                received.keep(evidence.storage_name)
        except IntegrityError:
            # The same file, uploaded twice at the same moment: the database kept one.
            raise InvalidInput(
                {field: _("This file is already attached here: nothing was added.")}
            ) from None
    except BaseException:
        received.discard()
        raise
    return evidence


def retract_evidence(evidence: EvidenceFile, *, actor: Actor, reason: str) -> EvidenceFile:
    """Mark a file as retracted (who, when, why); the file itself is kept."""
    return retract_record(evidence, actor=actor, reason=reason)
