"""Evidence pages: uploads checked by content and size, hashes shown, copies stripped, and
only verifiers and administrators take copies."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image
from pypdf import PdfReader

from medinfra.evidence.files import path_of
from medinfra.evidence.models import EvidenceFile
from medinfra.evidence.tests import samples


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def upload(client: Client, url: str, data: bytes, name: str):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def incident_url(incident) -> str:
    return f"/evidence/incidents/{incident.pk}/"


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# -- uploads ---------------------------------------------------------------------------------------


def test_an_upload_is_stored_as_sent_outside_the_web_root_with_its_sha256_shown(
    incident, reporter, evidence_dir
):
    data = samples.jpeg_with_gps()
    client = client_for(reporter)

    response = upload(client, incident_url(incident), data, "IMG_0042.jpg")

    evidence = EvidenceFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{incident_url(incident)}?added={evidence.pk}"
    expected = hashlib.sha256(data).hexdigest()
    assert evidence.sha256 == expected
    assert (evidence.size, evidence.detected_type) == (len(data), "jpeg")
    assert evidence.uploaded_by == reporter
    page = client.get(response["Location"]).content.decode()
    assert expected in page
    stored = path_of(evidence.storage_name)
    assert stored.read_bytes() == data
    assert stored.stat().st_mode & 0o077 == 0
    assert evidence_dir in stored.parents
    assert Path(settings.STATIC_ROOT).resolve() not in stored.resolve().parents
    assert not leftovers(evidence_dir / "incoming")


def test_a_reporter_sees_the_hash_but_not_the_file_name(incident, reporter, verifier):
    upload(client_for(reporter), incident_url(incident), samples.jpeg_with_gps(), "MarkerName.jpg")

    assert "MarkerName" not in client_for(reporter).get(incident_url(incident)).content.decode()
    assert "MarkerName.jpg" in client_for(verifier).get(incident_url(incident)).content.decode()


def test_an_html_page_named_jpg_is_refused_naming_the_field(incident, reporter, evidence_dir):
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"

    response = upload(client_for(reporter), incident_url(incident), html, "photo.jpg")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_file"' in page
    assert "its content was checked, not its name" in page
    assert not EvidenceFile.all_objects.exists()
    assert not leftovers(evidence_dir)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"<html>not an image</html>" * 10, "cannot be read"),
        (b"%PDF-1.7\n<html>not a document</html>", "The PDF cannot be read"),
        (b"RIFF\x00\x00\x00\x00WEBPjunkjunkjunk", "cannot be read"),
        (b"", "The file is empty."),
    ],
)
def test_a_file_that_only_starts_like_an_image_or_pdf_is_refused(
    incident, reporter, evidence_dir, data, message
):
    response = upload(client_for(reporter), incident_url(incident), data, "scan.png")

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EvidenceFile.all_objects.exists()
    assert not leftovers(evidence_dir)


def test_an_oversized_file_is_refused_and_never_stored(incident, reporter, evidence_dir, settings):
    settings.MEDINFRA_EVIDENCE_MAX_BYTES = 4000
    data = samples.noise_png(6000)

    response = upload(client_for(reporter), incident_url(incident), data, "big.png")

    assert response.status_code == 413
    assert "larger than 3.9 KB" in response.content.decode()
    assert 'href="#id_file"' in response.content.decode()
    assert not EvidenceFile.all_objects.exists()
    assert not leftovers(evidence_dir)


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(
    incident, reporter, evidence_dir, settings
):
    settings.MEDINFRA_EVIDENCE_MAX_BYTES = 1024
    data = samples.noise_png(200_000)

    response = upload(client_for(reporter), incident_url(incident), data, "huge.png")

    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert not leftovers(evidence_dir)


def test_the_default_limit_is_twenty_megabytes(incident, reporter):
    page = client_for(reporter).get(incident_url(incident)).content.decode()

    assert "at most 20 MB" in page


def test_the_same_file_twice_on_one_record_is_refused_kindly(incident, occupied_event, reporter):
    client = client_for(reporter)
    data = samples.jpeg_with_gps()
    upload(client, incident_url(incident), data, "a.jpg")

    response = upload(client, incident_url(incident), data, "copy of a.jpg")

    first = EvidenceFile.objects.get()
    assert response.status_code == 400
    assert f"already attached here, as evidence file {first.pk}" in response.content.decode()
    other = upload(client, f"/evidence/occupied-events/{occupied_event.pk}/", data, "a.jpg")
    assert other.status_code == 302
    assert EvidenceFile.objects.count() == 2


def test_the_form_is_refused_without_its_csrf_token(incident, reporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)

    response = upload(client, incident_url(incident), samples.jpeg_with_gps(), "a.jpg")

    assert response.status_code == 403
    assert not EvidenceFile.all_objects.exists()


# -- who may do what -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, incident, verifier):
    evidence_id = _attached(incident, verifier).pk

    for path in (incident_url(incident), f"/evidence/files/{evidence_id}/copy/", "/evidence/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/admin/login/" in response["Location"]


def test_a_reporter_cannot_take_a_copy(incident, reporter, verifier):
    evidence = _attached(incident, verifier)

    response = client_for(reporter).get(f"/evidence/files/{evidence.pk}/copy/")

    assert response.status_code == 403


def test_a_reporter_attaches_only_to_their_own_records(make_incident, reporter, verifier):
    someone_elses = make_incident(actor=verifier)

    response = upload(
        client_for(reporter), incident_url(someone_elses), samples.jpeg_with_gps(), "a.jpg"
    )

    assert response.status_code == 403
    assert not EvidenceFile.all_objects.exists()


def test_a_coordinator_is_refused(incident, coordinator):
    assert client_for(coordinator).get(incident_url(incident)).status_code == 403


def test_static_urls_cannot_reach_evidence(client, incident, verifier, evidence_dir):
    evidence = _attached(incident, verifier)
    stored = path_of(evidence.storage_name)
    relative = stored.relative_to(evidence_dir)

    assert finders.find(str(relative)) is None
    for path in (
        f"/static/{relative}",
        f"/static/{evidence.storage_name}",
        f"/static/../evidence/{relative}",
        f"/static/%2e%2e/evidence/{relative}",
    ):
        assert client.get(path).status_code == 404, path


# -- copies without metadata -----------------------------------------------------------------------


def _attached(record, actor, data: bytes | None = None, name: str = "IMG.jpg"):
    from medinfra.evidence.services import attach_evidence

    return attach_evidence(
        actor=actor, chunks=[data or samples.jpeg_with_gps()], original_name=name, incident=record
    )


def _copy(client: Client, evidence) -> bytes:
    response = client.get(f"/evidence/files/{evidence.pk}/copy/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "IMG" not in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_a_jpeg_copy_has_no_exif_gps_or_xmp_and_stands_upright(incident, verifier):
    data = samples.jpeg_with_gps(orientation=6)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the control: GPS is there
        assert original.size == (40, 20)

    copy = _copy(client_for(verifier), _attached(incident, verifier, data))

    with Image.open(io.BytesIO(copy)) as clean:
        assert clean.format == "JPEG"
        assert len(clean.getexif()) == 0
        assert not clean.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "xmp" not in clean.info and "exif" not in clean.info
        # Orientation 6 turns the picture a quarter: the red half is now on top.
        assert clean.size == (20, 40)
        red, _green, blue = clean.convert("RGB").getpixel((10, 5))
        assert red > 200 and blue < 80
    for marker in (samples.CAMERA.encode(), b"MarkerXmpAuthor", b"Exif"):
        assert marker not in copy


@pytest.mark.parametrize(
    ("make", "fmt"),
    [(samples.png_with_metadata, "PNG"), (samples.webp_with_metadata, "WEBP")],
)
def test_png_and_webp_copies_carry_no_metadata(incident, verifier, make, fmt):
    data = make()
    assert samples.CAMERA.encode() in data

    copy = _copy(client_for(verifier), _attached(incident, verifier, data, "x.png"))

    with Image.open(io.BytesIO(copy)) as clean:
        assert clean.format == fmt
        assert len(clean.getexif()) == 0
        assert not {"exif", "xmp", "Author", "XML:com.adobe.xmp"} & set(clean.info)
    for marker in (samples.CAMERA.encode(), b"MarkerXmpAuthor", b"MarkerPngAuthor"):
        assert marker not in copy


def test_a_pdf_copy_has_no_document_information_xmp_or_embedded_exif(incident, verifier):
    data = samples.pdf_with_metadata()
    assert PdfReader(io.BytesIO(data)).metadata["/Author"] == "MarkerPdfAuthor"

    copy = _copy(client_for(verifier), _attached(incident, verifier, data, "scan.pdf"))

    reader = PdfReader(io.BytesIO(copy))
    assert not reader.metadata
    assert reader.xmp_metadata is None
    assert len(reader.pages) == 1
    for marker in (b"MarkerPdfAuthor", b"MarkerPdfTitle", b"MarkerXmpAuthor", b"MarkerCam"):
        assert marker not in copy


def test_an_administrator_takes_copies_too(incident, verifier, administrator):
    evidence = _attached(incident, verifier)

    assert _copy(client_for(administrator), evidence)


def test_a_missing_stored_file_is_not_found_not_an_error(incident, verifier):
    evidence = _attached(incident, verifier)
    path_of(evidence.storage_name).unlink()

    assert client_for(verifier).get(f"/evidence/files/{evidence.pk}/copy/").status_code == 404


def test_a_stored_file_that_no_longer_decodes_gives_no_copy(incident, verifier):
    evidence = _attached(incident, verifier)
    path_of(evidence.storage_name).write_bytes(b"\xff\xd8\xff" + b"broken" * 10)

    response = client_for(verifier).get(f"/evidence/files/{evidence.pk}/copy/")

    assert response.status_code == 422
    assert "could not be read to make a copy without metadata" in response.content.decode()


# -- retraction ------------------------------------------------------------------------------------


def test_a_retraction_marks_the_file_and_keeps_it(incident, verifier):
    evidence = _attached(incident, verifier)
    client = client_for(verifier)

    response = client.post(f"/evidence/files/{evidence.pk}/retract/", {"reason": "wrong incident"})

    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.is_retracted and evidence.retraction_reason == "wrong incident"
    assert path_of(evidence.storage_name).exists()
    page = client.get(incident_url(incident)).content.decode()
    assert "(retracted)" in page and "wrong incident" in page
    again = upload(client, incident_url(incident), samples.jpeg_with_gps(), "again.jpg")
    assert again.status_code == 302


def test_a_retraction_needs_a_reason_and_a_reviewer(incident, verifier, reporter):
    evidence = _attached(incident, verifier)

    response = client_for(verifier).post(f"/evidence/files/{evidence.pk}/retract/", {"reason": ""})
    assert response.status_code == 400
    assert 'href="#id_reason"' in response.content.decode()
    refused = client_for(reporter).post(f"/evidence/files/{evidence.pk}/retract/", {"reason": "x"})
    assert refused.status_code == 403
    evidence.refresh_from_db()
    assert not evidence.is_retracted


# -- the index -------------------------------------------------------------------------------------


def test_the_index_finds_a_record_by_number(incident, reporter):
    client = client_for(reporter)

    response = client.get("/evidence/", {"kind": "incident", "number": incident.pk})
    assert response["Location"] == incident_url(incident)
    bad = client.get("/evidence/", {"kind": "incident", "number": "x"})
    assert bad.status_code == 400
    assert 'href="#id_number"' in bad.content.decode()
