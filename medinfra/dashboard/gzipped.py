"""A kept answer's gzip encoding, compressed once, with each reader's CSRF token put in.

Browsers ask for gzip. Compressing a 100 KB page for every request costs milliseconds, ten
times what the rest of a kept answer costs; the answer is kept compressed instead. A kept
page is kept cut where its CSRF tokens go (pagecache.Kept.pieces), and every reader's token
is their own, so the encoding is kept cut the same way:

- Each piece is compressed on its own, ending on a full flush: it ends on a byte boundary and
  nothing after it refers back into it, so anything may be put between two pieces.
- Between the pieces go the reader's token inputs, each as a stored (uncompressed) block of
  the deflate format (RFC 1951, 3.2.4). The token is never compressed with the page, so the
  compressed length says nothing about it (the BREACH attack on secrets in compressed pages
  needs the secret to be compressed alongside text the attacker chooses).
- The gzip trailer (RFC 1952) needs the CRC-32 of the whole body. The CRC of each long piece
  is computed once, and the body's is made from the pieces' as zlib's crc32_combine does, so
  a request computes the CRC of the short token inputs only.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_POLY = 0xEDB88320  # CRC-32's polynomial, bit-reversed, as zlib computes it
# A piece longer than this has its CRC kept; a shorter one is cheaper to compute again.
_KEEP_CRC_FROM = 16 * 1024
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, no time
# Bodies shorter than this are not compressed (as Django's GZipMiddleware).
SHORTEST = 200


def _times(a: int, b: int) -> int:
    """a times b modulo CRC-32's polynomial (polynomials as zlib writes them, reflected)."""
    m = 1 << 31
    product = 0
    while a:
        if a & m:
            product ^= b
            a ^= m
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return product


def _x_to_2_to_the() -> tuple[int, ...]:
    """x^(2^k) modulo the polynomial, k = 0..31."""
    powers = [1 << 30]  # x^1
    for _ in range(31):
        powers.append(_times(powers[-1], powers[-1]))
    return tuple(powers)


_X2N = _x_to_2_to_the()


def shift_for(length: int) -> int:
    """x^(8 * length) modulo the polynomial: what appending `length` bytes does to a CRC."""
    power, k = 1 << 31, 3  # x^0; 8 = 2^3
    while length:
        if length & 1:
            power = _times(_X2N[k & 31], power)
        length >>= 1
        k += 1
    return power


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A then B, from A's CRC, B's CRC and B's length."""
    return _times(shift_for(length2), crc1) ^ crc2


@dataclass(frozen=True)
class Piece:
    """A piece of a page, compressed: its deflate blocks, length and (if long) its CRC."""

    deflated: bytes
    length: int
    crc: int | None  # None: computed for each answer, from the piece itself
    shift: int  # x^(8 * length) modulo the polynomial, to combine its CRC (0 if not kept)
    text: bytes  # the piece itself where its CRC is not kept, else empty


@dataclass(frozen=True)
class Gzipped:
    """A body cut into pieces, compressed once; between pieces, anything the answer puts."""

    pieces: tuple[Piece, ...]

    @classmethod
    def of(cls, pieces: tuple[bytes, ...], level: int = 9) -> Gzipped:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
        kept = []
        for number, piece in enumerate(pieces):
            last = number == len(pieces) - 1
            deflated = compressor.compress(piece) + compressor.flush(
                zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH
            )
            long = len(piece) >= _KEEP_CRC_FROM
            if long:
                piece_crc, shift, text = zlib.crc32(piece), shift_for(len(piece)), b""
            else:
                piece_crc, shift, text = None, 0, piece
            kept.append(Piece(deflated, len(piece), piece_crc, shift, text))
        return cls(tuple(kept))

    @property
    def length(self) -> int:
        """The encoding's length without anything between the pieces."""
        blocks = sum(len(piece.deflated) for piece in self.pieces)
        return len(_HEADER) + blocks + 5 * (len(self.pieces) - 1) + 8

    def encode(self, between: bytes = b"") -> bytes:
        """The gzip encoding of the pieces with `between` (uncompressed) between each two."""
        if len(between) > 0xFFFF:
            raise ValueError("what goes between the pieces must fit one stored block")
        stored = b"\x00" + struct.pack("<HH", len(between), len(between) ^ 0xFFFF) + between
        parts = [_HEADER]
        crc, length = 0, 0
        for number, piece in enumerate(self.pieces):
            if number:
                parts.append(stored)
                crc = zlib.crc32(between, crc)
                length += len(between)
            parts.append(piece.deflated)
            if piece.crc is None:
                crc = zlib.crc32(piece.text, crc)
            else:  # crc32_combine
                crc = _times(piece.shift, crc) ^ piece.crc
            length += piece.length
        parts.append(struct.pack("<II", crc, length & 0xFFFFFFFF))
        return b"".join(parts)
