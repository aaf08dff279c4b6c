"""isaccheck.read on hostile and broken files (issue 10, point 7): every case is one ReadProblem
naming the file, never an exception. The files are made here."""
from __future__ import annotations

import io
import random
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from isaccheck.read import SUPPORTED_SUFFIXES, ReadLimits, ReadProblem, StructuredDocument, read_document

from .readfiles import docx_bytes, odt_bytes, pdf_bytes


def problem(path: str, data: bytes, limits: ReadLimits | None = None) -> ReadProblem:
    result = read_document(path, data, limits=limits)
    assert isinstance(result, ReadProblem), result
    assert path in result.message_en and path in result.message_nl
    assert result.message_en != result.message_nl
    return result


def test_too_large_is_refused_before_reading() -> None:
    p = problem("notulen/groot.pdf", b"%PDF-" + b"x" * 2000, ReadLimits(max_bytes=1000))
    assert p.code == "too-large" and "1,000" in p.message_en


def test_too_many_pages() -> None:
    data = pdf_bytes([[("p", f"pagina {n}")] for n in range(4)])
    assert problem("a.pdf", data, ReadLimits(max_pages=3)).code == "too-large"


def test_time_limit_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader that takes too long is stopped and named. The slow reader is a stand-in that
    sleeps: a real PDF's reading time depends on the machine's load, a stand-in's does not."""
    import isaccheck.read as read

    real = read._reader

    def slow(fmt: str):  # type: ignore[no-untyped-def]
        if fmt != "pdf":
            return real(fmt)

        def reader(path, data, limits, offset):  # type: ignore[no-untyped-def]
            time.sleep(5)  # the alarm interrupts the sleep
            raise AssertionError("the time limit did not stop the reader")
        return reader

    monkeypatch.setattr(read, "_reader", slow)
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    started = time.monotonic()
    p = problem("archief/traag.pdf", pdf_bytes([[("p", "traag")]]), ReadLimits(max_seconds=0.05))
    assert p.code == "timeout" and "0.05 s" in p.message_en and "0.05 s" in p.message_nl
    assert time.monotonic() - started < 4
    monkeypatch.setattr(read, "_reader", real)
    # The alarm is off again afterwards: a file within its limit reads, and nothing fires later.
    small = pdf_bytes([[("p", "snel")]])
    assert isinstance(read_document("archief/snel.pdf", small, limits=ReadLimits(max_seconds=5)), StructuredDocument)
    time.sleep(0.1)


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_zip_bomb_by_ratio(suffix: str) -> None:
    data = _zip({"content.xml": b"<a/>", "word/document.xml": b"<a/>", "padding.bin": b"\0" * 5_000_000})
    p = problem("bom" + suffix, data)
    assert p.code == "zip-bomb" and "ratio" in p.message_en and "verhouding" in p.message_nl


def test_zip_bomb_by_total_size_and_by_entries() -> None:
    data = _zip({"a.xml": b"<a/>" * 10_000})
    assert problem("a.docx", data, ReadLimits(max_unzipped_bytes=1000)).code == "zip-bomb"
    many = _zip({f"p{n}.bin": b"" for n in range(5001)})
    assert problem("a.odt", many).code == "zip-bomb"


XXE = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
       b'<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>')


def test_docx_with_external_entity_is_refused() -> None:
    good = docx_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    parts["word/document.xml"] = XXE
    p = problem("notulen/xxe.docx", _zip(parts))
    assert p.code == "unsafe" and "word/document.xml" in p.message_en
    assert "root:" not in p.message_en


def test_odt_billion_laughs_is_refused() -> None:
    prolog = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>')
    p = problem("a.odt", odt_bytes("<text:p>&lol2;</text:p>", prolog=prolog))
    assert p.code == "unsafe" and "content.xml" in p.message_en


def test_malformed_xml_part_is_corrupt() -> None:
    assert problem("a.odt", odt_bytes("<text:p>open")).code == "corrupt"


def test_odt_without_content_is_corrupt() -> None:
    assert problem("a.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text"})).code == "corrupt"


def test_docx_that_is_a_zip_without_word_parts_is_corrupt() -> None:
    p = problem("a.docx", _zip({"hello.txt": b"hi"}))
    assert p.code == "corrupt"


def test_encrypted_pdf() -> None:
    p = problem("notulen/geheim.pdf", pdf_bytes([[("p", "geheim")]], encrypt="wachtwoord"))
    assert p.code == "encrypted" and "versleuteld" in p.message_nl


def test_pdf_with_only_an_owner_password_is_read() -> None:
    # "Protected against editing" PDFs open without a password; their text is read.
    result = read_document("a.pdf", pdf_bytes([[("p", "openbaar")]], encrypt=""))
    assert isinstance(result, StructuredDocument) and result.blocks[0].text == "openbaar"


def test_pdf_without_text_is_said_to_be_a_scan() -> None:
    p = problem("scans/notulen 2019.pdf", pdf_bytes([[], []]))
    assert p.code == "unreadable" and "OCR" in p.message_en and "2 page" in p.message_en


@pytest.mark.parametrize("data", [b"", b"not a pdf at all", b"%PDF-1.7\n" + bytes(range(256)) * 4,
                                  pdf_bytes([[("p", "afgebroken")]])[:400]])
def test_corrupt_pdf(data: bytes) -> None:
    assert problem("kapot.pdf", data).code == "corrupt"


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_garbage_zip_formats_are_corrupt(suffix: str) -> None:
    rng = random.Random(10)
    data = bytes(rng.randrange(256) for _ in range(3000))
    assert problem("rommel" + suffix, data).code == "corrupt"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)),
       prefix=st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html>", b"---\n"]),
       body=st.binary(max_size=600))
def test_any_bytes_give_a_document_or_a_problem(suffix: str, prefix: bytes, body: bytes) -> None:
    result = read_document("x/f" + suffix, prefix + body)
    assert isinstance(result, (StructuredDocument, ReadProblem))
