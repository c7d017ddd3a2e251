"""Evidence files on disk: received in chunks, hashed, typed by content, kept outside the web root.

Files live under ``MEDINFRA_EVIDENCE_DIR`` (default ``VAR_DIR/evidence``), each under a random
storage name, readable by the server's account only. Nothing there is served: the one way
out is a verifier's download of a copy without metadata (``medinfra/evidence/metadata.py``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from medinfra.core.errors import InvalidInput
from medinfra.evidence.models import FileType

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Decoding a larger image to strip it would take gigabytes of memory.
DEFAULT_MAX_PIXELS = 50_000_000
HEAD_BYTES = 16
PILLOW_FORMATS: dict[str, str] = {FileType.JPEG: "JPEG", FileType.PNG: "PNG", FileType.WEBP: "WEBP"}


def max_bytes() -> int:
    """The largest file accepted, in bytes (``MEDINFRA_EVIDENCE_MAX_BYTES``, default 20 MB)."""
    return int(getattr(settings, "MEDINFRA_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_pixels() -> int:
    """The largest image accepted, in pixels (``MEDINFRA_EVIDENCE_MAX_PIXELS``)."""
    return int(getattr(settings, "MEDINFRA_EVIDENCE_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def evidence_dir() -> Path:
    """Where evidence files are kept (``MEDINFRA_EVIDENCE_DIR``, default ``VAR_DIR/evidence``)."""
    configured = getattr(settings, "MEDINFRA_EVIDENCE_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "evidence"


def path_of(storage_name: str) -> Path:
    """The file of a storage name (two levels, so that no folder grows too large)."""
    if len(storage_name) < 3 or not storage_name.isalnum():
        raise ValueError("not a storage name")
    return evidence_dir() / storage_name[:2] / storage_name


def new_storage_name() -> str:
    return secrets.token_hex(16)


def size_words(size: int) -> str:
    """A size as people read it: "20 MB", "3.9 KB"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{f'{size / scale:.1f}'.rstrip('0').rstrip('.')} {unit}"
    return f"{size} B"


def detect_type(head: bytes) -> str | None:
    """The file's type by its first bytes, whatever its name says."""
    if head.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType.WEBP
    if head.startswith(b"%PDF-"):
        return FileType.PDF
    return None


@dataclass
class Received:
    """An upload written to the evidence folder, not yet kept under its storage name."""

    path: Path
    size: int
    sha256: str
    detected_type: str

    def keep(self, storage_name: str) -> Path:
        """Move the file to its storage name (same folder tree, so the move is atomic)."""
        target = path_of(storage_name)
        _private_dir(target.parent)
        os.replace(self.path, target)
        return target

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)


def receive(chunks: Iterable[bytes], *, field: str = "file") -> Received:
    """Write an upload aside while hashing it; refuse it, naming the field, unless it is a
    readable JPEG, PNG, WebP or PDF within the size limit."""
    limit = max_bytes()
    incoming = evidence_dir() / "incoming"
    _private_dir(incoming)
    digest = hashlib.sha256()
    size = 0
    head = b""
    handle = tempfile.NamedTemporaryFile(dir=incoming, delete=False, prefix="upload-")  # noqa: SIM115
    path = Path(handle.name)
    try:
        with handle:
            os.chmod(path, 0o600)
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise InvalidInput({field: too_large_message(limit)})
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                handle.write(chunk)
        if size == 0:
            raise InvalidInput({field: _("The file is empty.")})
        detected = detect_type(head)
        if detected is None:
            raise InvalidInput(
                {
                    field: _(
                        "This file is not a JPEG, PNG or WebP image or a PDF document: its "
                        "content was checked, not its name. Upload the photo or scan itself."
                    )
                }
            )
        check_readable(path, detected, field=field)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path=path, size=size, sha256=digest.hexdigest(), detected_type=detected)


def too_large_message(limit: int) -> str:
    return _("The file is larger than %(limit)s, the most an evidence file may be.") % {
        "limit": size_words(limit)
    }


def check_readable(path: Path, detected: str, *, field: str = "file") -> None:
    """Open the file as what its first bytes say it is; refuse it if it does not hold."""
    if detected == FileType.PDF:
        _check_pdf(path, field=field)
    else:
        _check_image(path, detected, field=field)


def _check_image(path: Path, detected: str, *, field: str) -> None:
    broken = _("The image cannot be read (it is damaged or not what its first bytes say).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format != PILLOW_FORMATS[detected]:
                    raise InvalidInput({field: broken})
                width, height = image.size
                if width * height > max_pixels():
                    raise InvalidInput(
                        {
                            field: _(
                                "The image has %(width)s × %(height)s pixels; at most "
                                "%(limit)s million are accepted."
                            )
                            % {
                                "width": width,
                                "height": height,
                                "limit": max_pixels() // 1_000_000,
                            }
                        }
                    )
                image.verify()
    except InvalidInput:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise InvalidInput({field: broken}) from None


def _check_pdf(path: Path, *, field: str) -> None:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise InvalidInput(
                {field: _("The PDF is protected by a password; upload it without the protection.")}
            )
        if len(reader.pages) == 0:
            raise InvalidInput({field: _("The PDF has no pages.")})
    except InvalidInput:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError):
        raise InvalidInput(
            {field: _("The PDF cannot be read (it is damaged or not a PDF).")}
        ) from None
