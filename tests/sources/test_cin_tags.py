"""The CIN census reader's tag scanner (``_cin_tags.scan``, through ``cin_census._tokens``): each edge
of the bytes a council's file may hold, with the tags kept written out as (line, code, text)."""
from __future__ import annotations

import random
import struct

import polars as pl
import pytest

from carewatch.sources import _cin_tags, cin_census
from carewatch.sources.cin_census import _EMPTY, _END, _START, _NAMES


def code(name: str, kind: int) -> int:
    return _NAMES.index(name) * 3 + kind


def tokens(tmp_path, data: bytes) -> list[tuple]:
    (tmp_path / "cin.xml").write_bytes(data)
    with cin_census._mapped(tmp_path / "cin.xml") as mapped:
        frame = cin_census._tokens(tmp_path / "cin.xml", mapped)
    assert dict(frame.schema) == {"line": pl.Int32, "code": pl.UInt8, "text": pl.Utf8}
    return frame.rows()


def test_containers_values_and_dropped_tags(tmp_path):
    # Message, Children and the values' end tags are dropped; containers have no text; a namespace
    # prefix and attributes do not change a tag's code; an empty element's text is what follows it
    data = (b'<?xml version="1.0"?>\n<Message><Children>\n<cin:Child a="1">\n'
            b'<LAchildID> K1 </LAchildID><UPN/>\n</cin:Child></Children></Message>\n')
    assert tokens(tmp_path, data) == [
        (3, code("Child", _START), None),
        (4, code("LAchildID", _START), "K1"),
        (4, code("UPN", _EMPTY), None),
        (5, code("Child", _END), None)]


def test_line_ends_as_polars_read_them(tmp_path):
    # lines end at '\n'; a '\r' before it (or at the end of the file) is no part of the line, a lone
    # '\r' elsewhere is text (stripped as white space) or part of a tag; empty lines count
    data = b'<Child>\r\n\r\n\n<UPN>A\rB</UPN>\r<UPN\r>C\r\r\n<Sex>F\r'
    assert tokens(tmp_path, data) == [
        (1, code("Child", _START), None),
        (4, code("UPN", _START), "A\rB"),
        (4, code("UPN", _START), "C"),  # "UPN\r" reads as UPN; its text "C\r" is stripped
        (5, code("Sex", _START), "F")]


def test_values_and_tags_over_several_lines(tmp_path):
    # a value keeps its first line; a tag cut by a line end has no text, and its second line is text
    # (so "<Child\n/>" is a Child opened, as Polars' split of the lines read it)
    data = b'<UPN>A1\nB2</UPN>\n<UPN\n>C3</UPN>\n<Child\n/>\n'
    assert tokens(tmp_path, data) == [
        (1, code("UPN", _START), "A1"),
        (3, code("UPN", _START), None),
        (5, code("Child", _START), None)]


def test_white_space_blanks_and_entities(tmp_path):
    # Unicode white space is stripped (U+00A0, U+3000), a zero-width space (U+200B, not white space)
    # is not; blank is null; entities are decoded after stripping, and "&#32;" is a space, not null
    data = ('<UPN>\u00a0A1\u3000</UPN><UPN>\u200bB</UPN><UPN> \t </UPN>'
            '<UPN> A&amp;B </UPN><UPN>&#32;</UPN>').encode()
    assert tokens(tmp_path, data) == [
        (1, code("UPN", _START), "A1"),
        (1, code("UPN", _START), "\u200bB"),
        (1, code("UPN", _START), None),
        (1, code("UPN", _START), "A&B"),
        (1, code("UPN", _START), " ")]


def test_the_end_of_the_file_and_odd_bytes(tmp_path):
    # NUL bytes are text like any other; a tag cut off by the end of the file is read without text;
    # a '<' as the last byte is an empty tag, not kept
    assert tokens(tmp_path, b'<UPN>A\x00B</UPN><Sex>F') == [
        (1, code("UPN", _START), "A\x00B"), (1, code("Sex", _START), "F")]
    assert tokens(tmp_path, b'<Child>\n<UPN') == [(1, code("Child", _START), None), (2, code("UPN", _START), None)]
    assert tokens(tmp_path, b'<Child>\n<') == [(1, code("Child", _START), None)]
    assert tokens(tmp_path, b'') == []


def test_a_comment_sends_the_file_through_the_rewritten_source(tmp_path):
    # the comment (holding tags) is dropped, its line break kept; CDATA is read as its text
    data = b'<Child><!-- <UPN>no</UPN>\n --><UPN>yes</UPN><Sex><![CDATA[F<]]></Sex></Child>\n'
    assert tokens(tmp_path, data) == [
        (1, code("Child", _START), None),
        (2, code("UPN", _START), "yes"),
        (2, code("Sex", _START), "F<"),
        (2, code("Child", _END), None)]


def test_a_long_line(tmp_path):
    value = "7" * 3_000_000
    assert tokens(tmp_path, f'<Child><UPN>{value}</UPN></Child>'.encode()) == [
        (1, code("Child", _START), None), (1, code("UPN", _START), value), (1, code("Child", _END), None)]


def kept(tag: str) -> int | None:
    """A code for the scanner alone: tags K... are elements read (3), C is a container (0)."""
    return 3 if tag.startswith("K") else 0 if tag == "C" else None


def columns(result) -> tuple[list[int], bytes, list[bytes], bytes, bytes, int, bool]:
    """The scan's columns, each string view read back as its text: up to 12 bytes in the view itself
    (zeros after it), a longer one's first 4 bytes there and the whole of it at its offset in the
    long texts (buffer 0)."""
    lines, codes, views, long_texts, valid, nulls, ampersand = result
    texts = []
    for view in range(0, len(views), 16):
        (length,) = struct.unpack_from("=i", views, view)
        if length <= 12:
            assert views[view + 4 + length:view + 16] == bytes(12 - length)
            texts.append(bytes(views[view + 4:view + 4 + length]))
        else:
            prefix, buffer, offset = struct.unpack_from("=4sii", views, view + 4)
            texts.append(bytes(long_texts[offset:offset + length]))
            assert (prefix, buffer) == (texts[-1][:4], 0)
    return (list(memoryview(lines).cast("i")), bytes(codes), texts, bytes(long_texts), bytes(valid), nulls,
            ampersand)


def test_scan_columns():
    # four kept tags: C (no text), K1 " a&b " -> "a&b", K2 "" -> null, K3's 13 bytes (past a view's 12,
    # so in the long texts); validity bits 0b1010
    assert columns(_cin_tags.scan(b"<C>x\n<K1> a&b </K1><Z>q\n<K2/><K3> 0123456789abc </K3>", kept, 1, True)) == (
        [1, 2, 3, 3], bytes([0, 3, 3, 3]), [b"", b"a&b", b"", b"0123456789abc"], b"0123456789abc",
        bytes([0b1010]), 2, True)


def test_scan_grows_its_table_and_columns():
    # 100,000 distinct tags (each coded once) and 200,000 kept, each a 13-byte text: past the first sizes
    # of the table, the columns and the long texts
    data = b"".join(b"<K%d>%013d\n<Z%d>" % (i, i, i) for i in range(100_000)) * 2
    calls = []
    lines, codes, texts, long_texts, valid, nulls, _ = columns(
        _cin_tags.scan(data, lambda tag: calls.append(tag) or kept(tag), 1, True))
    assert len(calls) == 200_000 and len(codes) == 200_000 and nulls == 0
    assert lines[:2] == [1, 2] and lines[-1] == 200_000
    assert texts[99_999] == b"0000000099999" and long_texts == b"".join(texts)
    assert valid == b"\xff" * 25_000


def test_scan_stops_at_markup_only_when_asked():
    assert _cin_tags.scan(b"<K>a</K><!-- x -->", kept, 1, True) is None
    assert _cin_tags.scan(b"<K>a</K><![CDATA[x]]>", kept, 1, True) is None
    assert columns(_cin_tags.scan(b"<K>a</K><!-- x -->", kept, 1, False))[2] == [b"a"]


def test_scan_errors():
    with pytest.raises(ValueError, match="line 2 is not UTF-8"):
        _cin_tags.scan(b"<K>a\n<K>\xff</K>", kept, 1, True)
    with pytest.raises(UnicodeDecodeError):
        _cin_tags.scan(b"<K\xff>a", kept, 1, True)
    with pytest.raises(ValueError, match="from 0 to 254"):
        _cin_tags.scan(b"<K>a", lambda tag: 255, 1, True)
    with pytest.raises(ZeroDivisionError):
        _cin_tags.scan(b"<K>a", lambda tag: 1 // 0, 1, True)


def test_positions_finds_each_requests_tags_by_their_open_containers():
    # names A (0) and B (1) are containers, C (2) is read; codes name * 3 + kind (0 start, 1 end, 2 empty):
    # A( C B( C/ )B )A C A( A/ -- an empty A counts neither way, so it is in A number 2; the Cs at 1 and 6
    # have a text
    codes, present = bytes([0, 6, 3, 8, 4, 1, 6, 0, 2]), bytes([0, 1, 0, 0, 0, 0, 1, 0, 0])
    C, A, B, NONE = 2, 0, 1, -1
    requests = [(C, A, NONE, 0, True, True),  # C's first text in each A number (0 to A's 3 start tags)
                (C, A, NONE, 0, False, False),  # every C inside an A, texts or not
                (C, A, NONE, 1 << B, False, True),  # the first C in each A outside any B
                (C, A, B, 0, False, True),  # ... and inside a B
                (A, A, NONE, 0, False, False),  # every A inside an A (itself): its number and its own
                (B, A, NONE, 0, False, False),
                (C, NONE, NONE, 0, False, False)]  # every C, wherever it is
    found = _cin_tags.positions(codes, present, 2, 3, requests)

    def ints(*buffers):
        return [None if b is None else list(memoryview(b).cast("q" if i == 0 else "i")) for i, b in enumerate(buffers)]

    assert [ints(found[i])[0] for i in (0, 2, 3)] == [[-1, 1, -1, -1], [-1, 1, -1, -1], [-1, 3, -1, -1]]
    assert ints(*found[1]) == [[1, 3], [1, 1], None]
    assert ints(*found[4]) == [[0, 7, 8], [1, 2, 2], [1, 2, 2]]
    assert ints(*found[5]) == [[2], [1], [1]]
    assert ints(*found[6]) == [[1, 3, 6], [0, 0, 0], None]
    with pytest.raises(ValueError, match="code 9 is no name's"):
        _cin_tags.positions(bytes([0, 9]), bytes(2), 2, 3, [])
    with pytest.raises(ValueError, match="a byte a code"):
        _cin_tags.positions(codes, bytes(3), 2, 3, [])
    for wrong in [(3, A, NONE, 0, True, True), (C, 2, NONE, 0, True, True), (C, A, 2, 0, True, True),
                  (C, A, NONE, 4, True, True), (C, NONE, NONE, 0, True, True)]:
        with pytest.raises(ValueError, match="request 0 is out of range"):
            _cin_tags.positions(codes, present, 2, 3, [wrong])


def test_joined_runs_joins_each_run_of_a_number_in_order():
    # runs of 3, 1, 5 and 2 texts: neighbours paired, then pairs of pairs...
    found = pl.DataFrame({"number": pl.Series([1, 1, 1, 2, 3, 3, 3, 3, 3, 7, 7], dtype=pl.Int32),
                          "text": list("abcdefghijk")})
    joined = cin_census._joined_runs(found)
    assert joined.to_dict(as_series=False) == {"number": [1, 2, 3, 7], "text": ["a,b,c", "d", "e,f,g,h,i", "j,k"]}
    assert cin_census._joined_runs(found.head(0)).height == 0


def test_join_pairs_each_wanted_number_with_every_row_of_it_in_order():
    # keys in file order, 0 (no container) anywhere: number 1 at row 1, 2 at rows 2 and 4, 4 at row 5;
    # a number wanted twice is paired twice, one with no row (3) not at all
    wanted, keys = pl.Series([2, 1, 3, 2], dtype=pl.Int32), pl.Series([0, 1, 2, 0, 2, 4], dtype=pl.Int32)
    row, key = cin_census._join(wanted, keys)
    assert (row.tolist(), key.tolist()) == ([0, 0, 1, 3, 3], [2, 4, 1, 2, 4])

# the white space Rust's str::trim (Polars' strip_chars) strips
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


def expected(data: bytes) -> tuple:
    """The scan's columns worked out in Python: the lines, the pieces between their '<'s."""
    lines, codes, texts = [], [], []
    for number, line in enumerate(data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n"), 1):
        for piece in (line[:-1] if line.endswith(b"\r") else line).split(b"<")[1:]:
            tag, closed, text = piece.partition(b">")
            if (found := kept(tag.decode())) is not None:
                lines.append(number)
                codes.append(found)
                texts.append(text.decode().strip(WHITE_SPACE) if found and closed else "")
    encoded = [text.encode() for text in texts]
    valid = bytes(sum(1 << j for j in range(8) if i + j < len(texts) and texts[i + j]) for i in range(0, len(texts), 8))
    return (lines, bytes(codes), encoded, b"".join(text for text in encoded if len(text) > 12), valid,
            texts.count(""), any("&" in text for text in texts))


def test_scan_of_random_bytes_matches_the_lines_worked_out_in_python():
    # seeded hostile inputs: '<', '>', line ends, NUL, white space, '&', multi-byte characters and
    # cut-off tags anywhere, the last byte included
    alphabet = ["<", ">", "\n", "\r", "\x00", " ", "\u00a0", "\u3000", "&", "/", "K", "C", "a", "é", "<K>", "<C>"]
    rng = random.Random(17)
    for size in [*range(60)] * 40 + [*range(60, 600)]:
        data = "".join(rng.choice(alphabet) for _ in range(size)).encode()
        assert columns(_cin_tags.scan(data, kept, 1, True)) == expected(data), data
