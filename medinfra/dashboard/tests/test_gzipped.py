"""The kept answers' gzip encoding: compressed once, each reader's token put in uncompressed."""

from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medinfra.dashboard.gzipped import Gzipped, crc32_combine, shift_for

PAGE = (
    b"<!doctype html><html><head><title>Figures</title></head><body>"
    + b"".join(b"<tr><td>Region %d</td><td>%d</td></tr>" % (n, n * 7) for n in range(3000))
    + b"</body></html>"
)


@given(st.binary(max_size=3000), st.binary(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_crcs_combine_as_zlib_computes_the_whole(first, second):
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(
        first + second
    )


def test_the_shift_of_long_pieces_is_exact():
    """The pieces kept with their own CRC are the long ones: check lengths up to 4 MB."""
    for length in (0, 1, 16 * 1024, 100_003, 1 << 20, 4 * (1 << 20) + 17):
        tail = bytes(range(256)) * (length // 256) + bytes(length % 256)
        head = b"head of the page"
        combined = crc32_combine(zlib.crc32(head), zlib.crc32(tail), len(tail))
        assert combined == zlib.crc32(head + tail), length
    assert shift_for(0) == 1 << 31  # appending nothing changes nothing


@given(
    st.lists(st.binary(max_size=40_000), min_size=1, max_size=5),
    st.binary(max_size=200),
)
@settings(max_examples=60, deadline=None)
def test_any_pieces_with_anything_between_decode_to_the_whole(pieces, between):
    encoded = Gzipped.of(tuple(pieces)).encode(between)
    assert gzip.decompress(encoded) == between.join(pieces)


def test_a_page_with_two_tokens_decodes_with_the_readers_own_tokens():
    cut = (PAGE[:700], PAGE[700:1500], PAGE[1500:])  # forms near the top, as on the home page
    kept = Gzipped.of(cut)
    for token in (b"A" * 64, b"z09" * 21 + b"Q"):
        between = b'<input type="hidden" name="csrfmiddlewaretoken" value="' + token + b'">'
        encoded = kept.encode(between)
        assert gzip.decompress(encoded) == between.join(cut)
        # Python's own reader checks the CRC and the length in the trailer.
        assert zlib.decompress(encoded, wbits=31) == between.join(cut)
    assert kept.length < len(PAGE) // 4


def test_the_token_is_never_compressed_with_the_page():
    """A token that repeats the page compresses no better than one that does not."""
    cut = (PAGE[:700], PAGE[700:])
    kept = Gzipped.of(cut)
    like_the_page, unlike_it = PAGE[700:764], bytes(range(64))
    assert len(kept.encode(like_the_page)) == len(kept.encode(unlike_it))


def test_more_between_than_one_stored_block_is_refused():
    with pytest.raises(ValueError, match="one stored block"):
        Gzipped.of((b"a", b"b")).encode(b"x" * 70_000)
