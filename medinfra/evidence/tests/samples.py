"""Real files for the evidence tests, made on the spot with Pillow and pypdf."""

from __future__ import annotations

import io
import random

from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfWriter

CAMERA = "MarkerCam"
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="MarkerXmpAuthor"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def picture(width: int = 40, height: int = 20, *, seed: int = 1) -> Image.Image:
    """A picture whose left half is red and right half blue (to see a rotation)."""
    image = Image.new("RGB", (width, height), "blue")
    image.paste("red", (0, 0, width // 2, height))
    noise = random.Random(seed)
    for _ in range(20):
        image.putpixel((noise.randrange(width), noise.randrange(height)), (0, 255, 0))
    return image


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (47.0, 5.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (37.0, 32.0, 10.0)
    return exif


def jpeg_with_gps(*, orientation: int = 6, seed: int = 1) -> bytes:
    out = io.BytesIO()
    picture(seed=seed).save(out, format="JPEG", exif=exif_with_gps(orientation), xmp=XMP)
    return out.getvalue()


def png_with_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "MarkerPngAuthor")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    picture().save(out, format="PNG", pnginfo=info, exif=exif_with_gps())
    return out.getvalue()


def webp_with_metadata() -> bytes:
    out = io.BytesIO()
    picture().save(out, format="WEBP", exif=exif_with_gps(), xmp=XMP, quality=90)
    return out.getvalue()


def pdf_with_metadata() -> bytes:
    """A PDF whose page is a JPEG carrying EXIF, with document information and XMP."""
    scan = io.BytesIO()
    picture().save(scan, format="PDF", exif=exif_with_gps())
    writer = PdfWriter(clone_from=io.BytesIO(scan.getvalue()))
    writer.add_metadata({"/Author": "MarkerPdfAuthor", "/Title": "MarkerPdfTitle"})
    writer.xmp_metadata = XMP
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def noise_png(size: int) -> bytes:
    """A PNG of random pixels, at least ``size`` bytes long."""
    side = 16
    while True:
        image = Image.frombytes("RGB", (side, side), random.Random(side).randbytes(side * side * 3))
        out = io.BytesIO()
        image.save(out, format="PNG")
        if out.tell() >= size:
            return out.getvalue()
        side *= 2
