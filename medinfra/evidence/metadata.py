"""Copies of evidence files without the metadata that can identify people or places.

Images are decoded and encoded again (the EXIF orientation applied first), so no EXIF, GPS,
XMP, IPTC, ICC or comment survives. From a PDF the document information, every XMP stream
and the page-piece data are removed, and the EXIF and XMP segments of embedded JPEG images.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any

from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

from medinfra.evidence.models import FileType

CONTENT_TYPES: dict[str, str] = {
    FileType.JPEG: "image/jpeg",
    FileType.PNG: "image/png",
    FileType.WEBP: "image/webp",
    FileType.PDF: "application/pdf",
}
EXTENSIONS: dict[str, str] = {
    FileType.JPEG: "jpg",
    FileType.PNG: "png",
    FileType.WEBP: "webp",
    FileType.PDF: "pdf",
}
# Keys of PDF dictionaries that carry metadata rather than content.
PDF_METADATA_KEYS = ("/Metadata", "/PieceInfo")
# JPEG segments kept in embedded images: APP0 (JFIF) and APP14 (Adobe colour transform).
_APP0, _APP14 = 0xE0, 0xEE


def write_clean_copy(path: Path, detected_type: str, out: IO[bytes]) -> None:
    """Write a copy of the stored file without its metadata."""
    if detected_type == FileType.PDF:
        _clean_pdf(path, out)
    else:
        _clean_image(path, detected_type, out)


def _clean_image(path: Path, detected_type: str, out: IO[bytes]) -> None:
    with Image.open(path) as source:
        upright = ImageOps.exif_transpose(source)
        # A fresh image of the pixels alone: nothing of the source's info is carried over.
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)
        if "transparency" in upright.info and upright.mode in ("P", "L", "RGB"):
            transparency: Any = upright.info["transparency"]
        else:
            transparency = None
        if upright.mode == "P":
            palette = upright.getpalette()
            if palette is not None:
                clean.putpalette(palette)
    if detected_type == FileType.JPEG:
        clean.save(out, format="JPEG", quality=95)
    elif detected_type == FileType.PNG:
        options: dict[str, Any] = {}
        if transparency is not None:
            options["transparency"] = transparency
        clean.save(out, format="PNG", **options)
    else:
        clean.save(out, format="WEBP", quality=95)


def _clean_pdf(path: Path, out: IO[bytes]) -> None:
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.metadata = None
    writer.xmp_metadata = None
    for obj in list(writer._objects):
        if not isinstance(obj, DictionaryObject):
            continue
        for key in PDF_METADATA_KEYS:
            if key in obj:
                del obj[key]
        if isinstance(obj, StreamObject) and obj.get("/Subtype") == "/Image" and _is_dct(obj):
            obj._data = without_jpeg_metadata(obj._data)
    # The metadata streams are now referred to by nothing: leave them out of the file.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    writer.write(out)


def _is_dct(stream: StreamObject) -> bool:
    filters = stream.get("/Filter")
    if isinstance(filters, ArrayObject):
        return [str(f) for f in filters] == ["/DCTDecode"]
    return isinstance(filters, NameObject) and str(filters) == "/DCTDecode"


def without_jpeg_metadata(data: bytes) -> bytes:
    """A JPEG's bytes without its APP1-APP13, APP15 and comment segments (EXIF, XMP, IPTC, ICC).

    The image data is not decoded, so nothing is lost; bytes that are not a well-formed JPEG
    are encoded again from their pixels, or left out if they cannot be decoded.
    """
    if not data.startswith(b"\xff\xd8"):
        return data
    kept = bytearray(b"\xff\xd8")
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return _reencoded_jpeg(data)
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            kept += data[i:]
            return bytes(kept)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            kept += data[i : i + 2]
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        end = i + 2 + length
        if length < 2 or end > len(data):
            return _reencoded_jpeg(data)
        metadata = (0xE0 <= marker <= 0xEF and marker not in (_APP0, _APP14)) or marker == 0xFE
        if not metadata:
            kept += data[i:end]
        i = end
    return _reencoded_jpeg(data)


def _reencoded_jpeg(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as source:
            clean = Image.new(source.mode, source.size)
            clean.paste(source)
        out = io.BytesIO()
        clean.save(out, format="JPEG", quality=95)
        return out.getvalue()
    except (OSError, ValueError, SyntaxError):
        return b""
