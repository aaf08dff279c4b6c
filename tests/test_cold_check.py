"""The seventh round's shortcuts on a cold check's path (issue 14; numbers in docs/performance.md):
each gives what the plain way gives, and a counter shows it is taken."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from isaccheck import gitevidence, runner

from .test_gitint import small  # noqa: F401
from .test_gitrepo import commit, git

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "evidence-examples").iterdir() if (p / "isac.yaml").is_file())


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_with_commit_is_replace(example: Path) -> None:
    repo = runner.load_for_inventory(example)
    assert repo.documents
    for doc in repo.documents:
        for sha in ("0" * 40, None):
            quick, plain = doc.with_commit(sha), dataclasses.replace(doc, commit=sha)
            assert type(quick) is type(plain) and quick == plain
            assert dataclasses.astuple(quick) == dataclasses.astuple(plain)
            assert quick is not doc and doc.commit is None  # a copy; the document is left as it was
            with pytest.raises(dataclasses.FrozenInstanceError):
                quick.commit = "x"  # type: ignore[misc]


def test_the_history_pass_copies_documents_without_replace(small: Path,  # noqa: F811
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    git(small, "mv", "meetings/2026-02-01/minutes.md", "meetings/2026-02-01/notes.md")
    commit(small, "2026-02-20T10:00:00Z", "moved")
    calls: list[type[Any]] = []
    real = gitevidence.replace

    def counting(obj: Any, **changes: Any) -> Any:
        calls.append(type(obj))
        return real(obj, **changes)

    monkeypatch.setattr(gitevidence, "replace", counting)
    run = runner.check(small, dt.date(2026, 3, 1), today=dt.date(2026, 3, 1))
    commits = {d.path: d.commit for d in run.repository.documents}
    added = git(small, "rev-parse", "HEAD~1").strip()  # the commit of both minutes; the move followed
    assert commits["meetings/2021-03-01/minutes.md"] == commits["meetings/2026-02-01/notes.md"] == added
    assert not [c for c in calls if c.__name__ == "Document"]  # no per-document replace()


def test_the_kept_output_of_head_is_git_s_own_bytes(small: Path, tmp_path: Path,  # noqa: F811
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Kept uncompressed (compressing was 11 ms of a cold check at 5,000 documents); the next run
    # after a commit joins git's output for the new commits to it (historycache.extension).
    from isaccheck import historycache, loadcache
    from isaccheck.gitrepo import open_repo

    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(tmp_path / "cache"))
    repo = open_repo(small)
    assert repo is not None
    out = bytes(repo._git(*repo.history_args("HEAD")).stdout)
    facts = repo.history("HEAD")
    (tip,) = (tmp_path / "cache").rglob("t*.marshal")
    header, kept = loadcache.read_parts(tip.read_bytes())
    assert header[0] == historycache.FORMAT and kept == out
    commit(small, "2026-02-20T10:00:00Z", "more", other__md="x\n")
    again = open_repo(small)
    assert again is not None
    key = historycache.key(again, git(small, "rev-parse", "HEAD").strip())
    assert key is not None
    extended = historycache.extension(again, key, git(small, "rev-parse", "HEAD").strip())
    assert extended is not None and extended[1] == out
    assert facts.keys() <= again.history("HEAD").keys()


def test_a_past_date_at_head_asks_git_no_more_than_it_needs(small: Path, tmp_path: Path,  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # The commit at the date comes with its date (no `git log -1 --no-walk` to ask it again), and
    # HEAD's clean files come from disk, so no `git cat-file --batch` is started for them.
    from isaccheck import gitrepo

    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(tmp_path / "cache"))
    ran: list[tuple[str, ...]] = []
    real_run = gitrepo._run

    def record(args: Any, *rest: Any, **kwargs: Any) -> Any:
        ran.append(tuple(args))
        return real_run(args, *rest, **kwargs)

    started: list[object] = []
    real_cat = gitrepo._CatFile.__init__

    def count(self: gitrepo._CatFile, cwd: Path) -> None:
        started.append(self)
        real_cat(self, cwd)

    monkeypatch.setattr(gitrepo, "_run", record)
    monkeypatch.setattr(gitrepo._CatFile, "__init__", count)
    run = runner.check(small, dt.date(2026, 2, 28), today=dt.date(2026, 3, 1))
    assert not [a for a in ran if "--no-walk" in a] and started == []
    head = git(small, "rev-parse", "HEAD").strip()
    assert run.evaluation.provenance.commit == head
    # The same tree as tree_source gives (which asks git for the date): same label, same listing.
    plan = gitevidence.plan_source(small, dt.date(2026, 2, 28), dt.date(2026, 3, 1))
    repo = gitevidence.find_repo(small, "auto")
    assert repo is not None
    with repo.tree_source(head) as plain:
        assert plan.source.label == plain.label and list(plan.source.entries()) == list(plain.entries())
    plan.close()


@pytest.mark.parametrize("raw", [
    b"", b"---\ntype: minutes\n---\n# Notulen\n", b"\xef\xbb\xbf---\ntitle: x\n---\n", b"\xef\xbb\xbf",
    b"\xef\xbb\xbf\xef\xbb\xbfdouble", b"\xef\xbbcut BOM", "caf\u00e9\nna\u00efef\n".encode(),
    b"line one\nline two \xff\n", b"\xef\xbb\xbfone\ntwo\n\xc3(\n", b"\xef\xbb\xbf\x80", b"ok\n\xe2\x82", b"\xed\xa0\x80",
])
def test_decode_is_utf_8_sig(raw: bytes) -> None:
    # repository._decode strips the BOM itself; text, error, its byte and line are as with "utf-8-sig".
    from isaccheck import repository

    text, finding = repository._decode(raw, "a.md")
    try:
        expected: str | None = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        expected = None
        start = exc.start
        assert finding is not None and finding.line == raw[:start].count(b"\n") + 1
        assert f"0x{raw[start]:02x}" in finding.message.en
    else:
        assert finding is None
    assert text == expected


def test_a_read_asks_the_file_s_stat_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fstat that makes sure a file is regular also gives its size (read, read_exact).
    import os

    from isaccheck.sources import WorkingTreeSource

    (tmp_path / "m").mkdir()
    for i in range(5):
        (tmp_path / "m" / f"{i}.md").write_bytes(b"x" * i)
    stats: list[int] = []
    real = os.fstat

    def counting(fd: int) -> os.stat_result:
        stats.append(fd)
        return real(fd)

    with WorkingTreeSource(tmp_path) as source:
        monkeypatch.setattr(os, "fstat", counting)
        assert [source.read(f"m/{i}.md") for i in range(5)] == [b"x" * i for i in range(5)]
        assert [source.read_exact(f"m/{i}.md", 3) for i in range(5)] == [None, None, None, b"xxx", None]
    assert len(stats) == 10


def _generated(cls: type[Any]) -> type[Any]:
    """The class as @dataclass(frozen=True) would make it, with the generated __init__ (the reference)."""
    specs = [(f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory))
             for f in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=True)


def _made_as_generated(cls: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any] | None:
    """cls(*args, **kwargs) and what the generated __init__ makes of them, with the same fields in
    the same order; None when both raise TypeError (too few or unknown arguments)."""
    reference = _generated(cls)
    try:
        expected: Any = reference(*args, **kwargs)
    except TypeError:
        with pytest.raises(TypeError):
            cls(*args, **kwargs)
        return None
    made = cls(*args, **kwargs)
    assert list(vars(made).items()) == list(vars(expected).items())
    return made, expected


@pytest.mark.parametrize("args, kwargs", [
    (("a.md", "a.md", "minutes", {"type": "minutes"}, "body", 5, {"type": 2}, dt.date(2026, 1, 2), "adopted", "AMBER"), {}),
    (("a", "a.meta.yaml", "policy", {}, "", 1, {}, None, "draft", None, {"doel": "x"}, "0" * 40, False, "RED",
      {"date": None}, True), {}),
    (("a", "a", "t", {}, "", 1, {}, None, "adopted", None), {"inferred": {}, "valid": False, "sections": None}),
    ((), {"path": "p", "meta_path": "p", "type": "t", "meta": {}, "body": "b", "body_line": 3, "lines": {},
          "date": None, "status": "adopted", "tlp": "CLEAR", "tlp_declared_only": True, "output_tlp": "GREEN"}),
    (("a", "a", "t"), {}),  # too few: the same TypeError
    (("a", "a", "t", {}, "", 1, {}, None, "adopted", None), {"colour": "red"}),
])
def test_document_init_is_the_generated_init(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    from isaccheck.model import Document

    both = _made_as_generated(Document, args, kwargs)
    if both is None:
        return
    made, _ = both
    assert made == Document(*args, **kwargs) and dataclasses.replace(made) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.body = "x"  # type: ignore[misc]
    if "sections" not in kwargs and len(args) < 11:  # a new dict each, as default_factory=dict gives
        assert made.sections == {} and made.sections is not Document(*args, **kwargs).sections


@pytest.mark.parametrize("name, args, kwargs", [
    ("Text", ("en", "nl"), {}),
    ("Text", ("en", "nl", frozenset({"a.md"})), {}),
    ("Text", (), {"nl": "nl", "en": "en", "quotes": frozenset()}),
    ("Text", ("en",), {}),  # too few: the same TypeError
    ("Text", ("en", "nl"), {"colour": "red"}),
    ("EvidenceRef", ("a.md", None), {}),
    ("EvidenceRef", ("a.md", None, 3, "2026-01-02", "0" * 40, "AMBER", None), {}),
    ("EvidenceRef", ("a.md",), {"why": None, "inferred": None, "tlp": "RED", "line": None}),
    ("EvidenceRef", ("a.md", None, 1, "d", "c", "t", None, "one too many"), {}),
])
def test_text_and_evidence_ref_init_is_the_generated_init(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    # Written out as Document's (an evaluation makes thousands): the same objects as the generated one.
    from isaccheck import model

    cls = getattr(model, name)
    both = _made_as_generated(cls, args, kwargs)
    if both is None:
        return
    made, expected = both
    assert made == cls(*args, **kwargs) and hash(made) == hash(cls(*args, **kwargs))
    assert dataclasses.replace(made) == made and repr(made) == repr(expected)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.path = "x"  # type: ignore[misc]


def test_a_document_with_frontmatter_makes_no_empty_yaml_data(make_repo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # The frontmatter's YamlData is the one load_yaml made: no empty one is made first and dropped.
    from isaccheck import repository

    made: list[object] = []
    real = repository.YamlData

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(args)
        return real(*args, **kwargs)

    root = make_repo({"meetings/2026-03-01/minutes.md": "---\ntype: minutes\ntitle: B\ndate: 2026-03-01\ntlp: AMBER\n"
                      "attendees: [A, B]\n---\n# Notulen\n", "notes.md": "no frontmatter\n"})
    monkeypatch.setattr(repository, "YamlData", counting)
    repo = runner.load_for_inventory(root)
    assert [d.path for d in repo.documents] == ["meetings/2026-03-01/minutes.md"] and made == []
