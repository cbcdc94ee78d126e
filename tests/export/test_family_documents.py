"""What a family reads: every plan (PDF, DOCX, HTML), a child's minutes (Markdown, DOCX,
PDF), closure letters (DOCX, PDF) and a step-down pack (Markdown, DOCX, PDF), from the demo store and from a store whose
authority is set up. No rule keys and no arrows (they stay in the worker's copy), no
login names, the authority's own name (never "England"), need words never cut mid-word,
and a plan that fails a check is never also called agreed."""

from __future__ import annotations

import json
import re

import pytest
from docx import Document
from pypdf import PdfReader

from cintui.demo import DEMO_AUTHORITY
from tests.conftest import TODAY

RULE_KEY = re.compile(r"\b(WIR|BEX|TRA|WAR|STO) ?\d")
AUTHORITY = "Exampleshire County Council"
CHILD = "DEMO00002"  # a child with held minutes
CLOSED = "DEMO00015"  # a child whose closure the manager has agreed
STEPPING_DOWN = "DEMO00033"  # a child stepping down to early help


def _strings(value) -> list[str]:
    """Every text in a JSON value (a need's words, its outcome, its actions)."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return [s for item in items for s in _strings(item)]


def read(path) -> str:
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    if path.suffix == ".md":  # as a Markdown viewer shows it: comments are not read
        return re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    if path.suffix == ".docx":
        document = Document(str(path))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([*(p.text for p in document.paragraphs), *cells])
    return path.read_text(encoding="utf-8")


@pytest.fixture(params=["demo", "set up", "none"])
def store(request, demo_store, cli):
    """The demo store as it comes (England default profile, its own synthetic authority
    named), with the user's authority set up over it, or with none (a store not yet set up):
    (the store, the authority's name, "" for none)."""
    if request.param == "set up":
        done = cli("authority", "set", "--name", AUTHORITY, "--la", "999", "--db", demo_store)
        assert done.code == 0, done.err
        return demo_store, AUTHORITY
    if request.param == "none":
        from sqlmodel import select

        from cintui.store import models as m
        from cintui.store.engine import open_store

        opened = open_store(demo_store, None)
        try:
            with opened.session("test") as session:
                session.delete(session.exec(select(m.Authority)).one())
        finally:
            opened.close()
        return demo_store, ""
    return demo_store, DEMO_AUTHORITY


_MADE: dict[tuple[str, bool], tuple[dict, list[str]]] = {}


@pytest.fixture
def documents(store, store_kind, cli, tmp_path_factory):
    """Every family document of the store, as {path: text}, and the store's need words.
    Made once per kind of store in a test process (the tests below only read them; the
    store each starts from is the same demo, set up or not)."""
    key = (store_kind, store[1])
    if key not in _MADE:
        _MADE[key] = _make_documents(store, cli, tmp_path_factory.mktemp("documents"))
    return _MADE[key]


def _make_documents(store, cli, tmp_path):
    path, _ = store
    common = ("--db", path, "--today", TODAY.isoformat())
    for fmt in ("pdf", "docx", "html", "md", "json"):
        done = cli("export", "plans", "--all", "-o", tmp_path / fmt, "-f", fmt, *common)
        assert done.code == 0, done.err
    for fmt in ("md", "docx", "pdf"):
        done = cli("export", "minutes", CHILD, "--latest", "-o", tmp_path / f"minutes.{fmt}",
                   "-f", fmt, *common)
        assert done.code == 0, done.err
    done = cli("close", "letters", CLOSED, "-o", tmp_path / "letters", *common)
    assert done.code == 0, done.err
    for fmt in ("md", "docx", "pdf"):
        done = cli("stepdown", "pack", STEPPING_DOWN, "-o", tmp_path / f"stepdown.{fmt}",
                   "-f", fmt, *common)
        assert done.code == 0, done.err
    needs = [words for p in (tmp_path / "json").iterdir()
             for words in _strings(json.loads(p.read_text())["version"]["needs"])]
    family = [*(tmp_path / "pdf").iterdir(), *(tmp_path / "docx").iterdir(),
              *(tmp_path / "html").iterdir(), *(tmp_path / "md").iterdir(),
              *tmp_path.glob("minutes.*"), *tmp_path.glob("stepdown.*"),
              *(tmp_path / "letters").iterdir()]
    return {p: read(p) for p in family}, needs


def test_no_rule_keys_or_arrows_in_what_a_family_reads(documents):
    texts, _ = documents
    assert len(texts) > 80  # every plan in three formats, the minutes, the letters
    for path, text in texts.items():
        if path.parent.name == "md":
            continue  # a plan's Markdown reads back whole, the checks' rule keys with it
        assert not RULE_KEY.search(text), (path.name, RULE_KEY.search(text))
        assert "→" not in text and " -> " not in text, path.name


def test_names_never_login_names(documents, store, cli):
    texts, _ = documents
    workers = json.loads(cli("worker", "list", "--json", "--db", store[0]).out)
    usernames = [w["username"] for w in workers]
    assert usernames and all("." in u for u in usernames)
    logins = [re.compile(rf"(?<![\w.@]){re.escape(u)}(?![\w@])") for u in usernames]
    for path, text in texts.items():  # an email address (poppy.jessop@…) is contact detail
        assert not [u.pattern for u in logins if u.search(text)], path.name
    minutes = next(t for p, t in texts.items() if p.name == "minutes.md")
    assert any(w["name"] in minutes for w in workers)  # the worker, by their name


def test_the_authority_is_named_as_set_up_never_england(documents, store):
    """The demo names its own synthetic authority, as a user sets one up (its letters said
    "Children's services" and its plans named none); a store with none set up names none."""
    texts, set_up = documents[0], store[1]
    for path, text in texts.items():
        assert "England" not in text, path.name
    letters = [t for p, t in texts.items() if p.parent.name == "letters"]
    plans = [t for p, t in texts.items() if p.suffix in (".pdf", ".docx") and "plan" in p.name]
    # The minutes name the child's social worker and the authority, and so does the plan
    # attached to them (it said "Social worker: —" and "Local authority: —" once).
    minutes = [t for p, t in texts.items() if p.name.startswith("minutes.")]
    assert len(minutes) == 3
    md = next(t for p, t in texts.items() if p.name == "minutes.md")
    workers = re.findall(r"\*\*Social worker:\*\* (.+)", md)
    assert len(workers) == 2 and workers[0] == workers[1] and workers[0] != "—", workers
    if set_up:
        assert all(t.startswith(f"{set_up} children's services") for t in letters)
        assert all(set_up in t for t in plans)
        assert all(set_up in t for t in minutes)
        assert md.count(set_up) == 2  # the minutes, and the plan attached in full
    else:  # no line to say none is set: a family read "Local authority: —" once
        assert all(t.startswith("Children's services") for t in letters)
        assert plans and not [p for p in plans if "Local authority" in p]


def test_need_words_are_never_cut_mid_word(documents):
    """A need (or its action) quoted short ends at a whole word, then "…"."""
    texts, needs = documents
    needs = [" ".join(n.split()) for n in needs]
    cuts = 0
    for path, text in texts.items():
        text = " ".join(text.split())  # a PDF's line breaks are spaces in the need
        for cut in re.finditer("…", text):
            start = text[: cut.start()][-25:].split("“")[-1]
            whole = [n for n in needs if len(start) > 8 and start in n]
            for need in whole:
                after = need[need.index(start) + len(start):][:1]
                assert not after.isalnum(), (path.name, start, need)
            cuts += bool(whole)
    assert cuts  # the demo has long needs, quoted short in check problems and headings


def test_a_plan_failing_a_check_is_not_called_agreed(documents):
    """Plans that fail a check carry the DRAFT mark and never say "agreed"."""
    texts, _ = documents
    failing = [(p, t) for p, t in texts.items() if "fails" in t and "check" in t
               and p.parent.name in ("pdf", "docx", "html", "md")]
    assert any(p.suffix == ".md" for p, _ in failing)
    assert failing
    for path, text in failing:
        assert "DRAFT" in text
        assert not re.search(r"\bagreed\b", text.split("What this plan is for")[0]), path.name
        assert "(agreed)" not in text and "agreed on" not in text.lower(), path.name


ABBREVIATED = re.compile(r"\b\d{1,2}\s+(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b")
IN_FULL = (r"\d{1,2} (?:January|February|March|April|May|June|July|August|September|October"
           r"|November|December) \d{4}")


def test_a_family_reads_every_day_in_full(documents):
    """What a family reads writes a day as "3 November 2026" (GOV.UK style), never "3 Nov
    2026": the plan (PDF, DOCX, HTML, Markdown), the minutes and the plan attached to them,
    each closure letter, and the step-down pack (Markdown, DOCX, PDF). A plan's checks, the
    child's birth and the meeting a plan was agreed at are words the app builds for its
    screens ("3 Nov 2026"): written in full here. The step-down pack is read with the family
    too (WIR 3: they consent to the Level 3 service, and the plan it carries seeds the TAF
    plan so they need not tell their story again); it said "Produced 23 Nov 2026"."""
    family, _ = documents
    kinds = {p.parent.name if p.parent.name in ("pdf", "docx", "html", "md", "letters")
             else p.name.split(".")[0] for p in family}
    assert kinds == {"pdf", "docx", "html", "md", "letters", "minutes", "stepdown"}
    for path, text in family.items():
        found = ABBREVIATED.search(text)
        assert found is None, (path.name, text[max(0, found.start() - 60):found.end() + 20])
    agreed = [t for p, t in family.items() if p.parent.name == "pdf"
              and re.search(r"agreed \d{1,2} [A-Z][a-z]+ \d{4} at CIN review meeting", t)]
    assert agreed  # "agreed 3 November 2026 at CIN review meeting 3 November 2026"
    for text in agreed:
        said = re.search(r"agreed (\d{1,2} [A-Z][a-z]+ \d{4}) at CIN review meeting "
                         r"(\d{1,2} [A-Z][a-z]+ \d{4})", " ".join(text.split()))
        assert said and said[1] == said[2], said
    packs = {p.suffix: " ".join(t.split()) for p, t in family.items()
             if p.name.startswith("stepdown.")}
    assert set(packs) == {".md", ".docx", ".pdf"}
    for text in packs.values():  # the demo's step-down: its days, each in full
        assert f"Produced {TODAY.day} November {TODAY.year}." in text
        for said in ("Date of birth: ", "Recommended at the final CIN meeting on ",
                     "The manager's decision \\([^,]+, ", "The plan: v\\d, agreed ",
                     "still to do: .+?, by ", "The latest meeting's decisions \\(",
                     "visits from ", "Last visit: "):
            assert re.search(said + IN_FULL, text), (said, text[:400])
