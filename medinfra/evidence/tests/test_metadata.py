"""Metadata removal on its own: JPEG segments, and the storage check."""

from __future__ import annotations

import io

from django.core.checks import run_checks
from PIL import Image

from medinfra.evidence.files import detect_type, size_words
from medinfra.evidence.metadata import without_jpeg_metadata
from medinfra.evidence.tests import samples


def test_jpeg_segments_with_metadata_are_dropped_and_the_pixels_kept():
    data = samples.jpeg_with_gps(orientation=1)

    stripped = without_jpeg_metadata(data)

    assert b"Exif" in data and b"Exif" not in stripped
    assert b"MarkerXmpAuthor" not in stripped
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(stripped)) as after:
        assert before.tobytes() == after.tobytes()


def test_a_damaged_jpeg_is_encoded_again_or_dropped():
    assert without_jpeg_metadata(b"\xff\xd8\xff\xe1\x00\x10Exif") == b""
    assert without_jpeg_metadata(b"not a jpeg") == b"not a jpeg"


def test_types_are_told_by_their_first_bytes():
    assert detect_type(samples.jpeg_with_gps()[:16]) == "jpeg"
    assert detect_type(samples.png_with_metadata()[:16]) == "png"
    assert detect_type(samples.webp_with_metadata()[:16]) == "webp"
    assert detect_type(samples.pdf_with_metadata()[:16]) == "pdf"
    assert detect_type(b"<html><body>") is None
    assert detect_type(b"GIF89a") is None


def test_sizes_read_as_people_read_them():
    assert size_words(20 * 1024 * 1024) == "20 MB"
    assert size_words(4000) == "3.9 KB"
    assert size_words(12) == "12 B"


def test_an_evidence_folder_under_the_static_root_is_an_error(settings):
    assert "medinfra.E101" not in {m.id for m in run_checks()}

    settings.MEDINFRA_EVIDENCE_DIR = settings.STATIC_ROOT / "evidence"

    assert "medinfra.E101" in {m.id for m in run_checks()}
