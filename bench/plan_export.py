"""Benchmark: batch plan export (target: >= 50 plans/s for DOCX and for PDF on a 2-core
machine, typical plans of 5-8 needs with 2-3 actions each).

    .venv/bin/python bench/plan_export.py [--plans 200] [--store 5000]

Builds `--plans` synthetic plans (synthetic people only) and times the renderer writing
each to a file: plans per second for DOCX and PDF, the median of 3 runs in one process,
then the same batch on a `multiprocessing` pool of 2 processes. With `--store N` it also
times the real command, `cintui export plans --all`, on an N-child demo store.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from cintui.domain.plan import Need, PlanAction, PlanVersion, RagChange, Service
from cintui.export import plan as plan_export

TODAY = date(2026, 11, 23)
FORMATS = ("docx", "pdf")

_FIRST = ("Leo", "Maya", "Noah", "Ava", "Zain", "Isla", "Kacper", "Chloé", "Ruby", "Oisín")
_LAST = ("Marsh", "Okafor", "Hughes", "Nowak", "Brennan", "Patel", "O’Neill", "Wright")
_WORRIES = (
    "{n} has missed {k} of the last 60 school days — attendance {p}% against 96% last year.",
    "Mum has missed {k} of the last 8 health visitor appointments since June.",
    "{n} has been late to school {k} times this half term and arrives without breakfast.",
    "There have been {k} police call-outs to the home for arguments since March.",
    "{n}’s bedroom has no working heating and the window does not close.",
    "{n} says they feel sad most days and has stopped going to football.",
)
_STRENGTHS = (
    "{n} sees Nan every weekend and says she is the person they trust most.",
    "Dad takes {n} to swimming every Saturday and they both enjoy it.",
)
_OUTCOMES = (
    "{n} is in school at least 95% of days for 8 weeks running, shown on the register.",
    "Every appointment in the next 3 months is kept, confirmed by the health visitor.",
    "{n} says home feels calm and there are no police call-outs for 3 months.",
    "{n}’s room is warm and safe, checked at the next home visit.",
)
_ACTIONS = (("Walk {n} to school each morning", "Mum"),
            ("Send attendance figures every Friday", "School DSL"),
            ("Book and attend the next appointment", "Dad"),
            ("Visit {n} at home and see their room", "Social worker"),
            ("Refer to the family support service", "Social worker"),
            ("Fix the heating and the window", "Housing officer"),
            ("Talk to {n} about how school is going", "Class teacher"))


def synthetic_plans(count: int, seed: int = 5) -> list[plan_export.PlanDocument]:
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        first = name.split()[0]
        needs = []
        for j in range(rng.randint(5, 8)):
            strength = j == 0 and rng.random() < 0.5
            text = rng.choice(_STRENGTHS if strength else _WORRIES)
            rag = "G" if strength else rng.choice("RAAAG")
            actions = tuple(PlanAction(
                what.format(n=first), who, TODAY + timedelta(days=rng.randint(7, 90)),
                rng.choice(("not_started", "in_progress", "done")))
                for what, who in rng.sample(_ACTIONS, rng.randint(2, 3)))
            history = (RagChange(TODAY - timedelta(days=90), "A", None, "Amira Shah"),)
            if rag != "A":
                history += (RagChange(TODAY - timedelta(days=10), rag, "A", "Amira Shah",
                                      reason="Reviewed at the CIN meeting",
                                      maintained_for="8 weeks" if rag == "G" else "",
                                      agreed_at="Review meeting" if rag == "G" else "",
                                      cp_discussion="Discussed with manager; no ICPC"
                                      if rag == "R" else ""),)
            needs.append(Need(
                now=text.format(n=first, k=rng.randint(2, 14), p=rng.randint(70, 92)),
                outcome=rng.choice(_OUTCOMES).format(n=first), actions=actions, rag=rag,
                kind="strength" if strength else "worry",
                evidence="School register, 1 Sep to 20 Nov" if rng.random() < 0.5 else "",
                rag_history=history))
        version = PlanVersion(
            number=rng.randint(1, 4), status="agreed", created_on=TODAY - timedelta(days=30),
            agreed_on=TODAY - timedelta(days=28), agreed_at="CIN review meeting",
            objectives=f"{first} is safe, warm and in school every day, and home is calm.",
            lead_professional="Amira Shah", review_arrangements="CIN meeting every 6 weeks",
            next_review=TODAY + timedelta(days=42),
            services=(Service("Family support service", "Help with mornings and routines"),
                      Service("School nurse", "Check-ins about how " + first + " is feeling")),
            childs_views=f"“I like football and my Nan’s dog,” {first} said.",
            lived_experience="Mornings are rushed; Mum works nights and the flat is cold.",
            needs=tuple(needs))
        problems = () if i % 3 else ("Need 2 has an Amber rating but no completion date.",)
        docs.append(plan_export.PlanDocument(
            child_name=name, child_reference=f"DEMO{i:05d}",
            dob_text=f"{rng.randint(1, 28)} May 2017 (age 9)", worker="Amira Shah",
            authority="Wirral", version=version, problems=problems, generated_on=TODAY,
            final=bool(i % 2)))
    return docs


def _write_one(job: tuple[plan_export.PlanDocument, str, str]) -> None:
    doc, path, fmt = job
    plan_export.write(doc, Path(path), fmt)


def _warm(_: object = None) -> None:
    doc = synthetic_plans(1)[0]
    for fmt in FORMATS:
        plan_export.render(doc, fmt)


def one_process(docs, fmt: str, folder: Path) -> float:
    start = time.perf_counter()
    for i, doc in enumerate(docs):
        plan_export.write(doc, folder / f"{i}.{fmt}", fmt)
    return len(docs) / (time.perf_counter() - start)


def pooled(pool, docs, fmt: str, folder: Path) -> float:
    jobs = [(doc, str(folder / f"{i}.{fmt}"), fmt) for i, doc in enumerate(docs)]
    start = time.perf_counter()
    pool.map(_write_one, jobs, chunksize=max(1, len(jobs) // 16))
    return len(docs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", type=int, metavar="CHILDREN",
                        help="also time `cintui export plans --all` on a demo store")
    args = parser.parse_args()
    docs = synthetic_plans(args.plans)
    needs = [len(d.version.needs) for d in docs]
    print(f"{len(docs)} synthetic plans, {min(needs)}-{max(needs)} needs each, "
          f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        _warm()
        print(f"first export in this process (fonts, template): "
              f"{(time.perf_counter() - start) * 1000:.0f} ms")
        for fmt in FORMATS:
            rates = [one_process(docs, fmt, folder) for _ in range(args.runs)]
            print(f"{fmt:4}  one process: {statistics.median(rates):6.0f} plans/s "
                  f"(median of {args.runs}: {', '.join(f'{r:.0f}' for r in rates)})")
        # A name beyond Windows-1252 moves the PDF to the bundled DejaVu (embedded subset).
        wide = [replace(d, child_name="Łucja Wiśniewska-Kovalenko") for d in docs]
        rates = [one_process(wide, "pdf", folder) for _ in range(args.runs)]
        print(f"pdf   one process, DejaVu (names beyond Windows-1252): "
              f"{statistics.median(rates):.0f} plans/s")
        with multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn"
                                         ).Pool(2, initializer=_warm) as pool:
            for fmt in FORMATS:
                rates = [pooled(pool, docs, fmt, folder) for _ in range(args.runs)]
                print(f"{fmt:4}  pool of 2:   {statistics.median(rates):6.0f} plans/s "
                      f"(median of {args.runs}: {', '.join(f'{r:.0f}' for r in rates)})")
        if args.store:
            store_command(folder, args.store)


def store_command(folder: Path, children: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _demo import plain_demo_store  # bench/_demo.py

    db = plain_demo_store(folder, children, TODAY)
    for fmt in FORMATS:
        out = folder / f"store-{fmt}"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cintui", "export", "plans", "--all",
                        "--format", fmt, "-o", str(out), "--db", str(db), "--today",
                        TODAY.isoformat()], check=True)
        seconds = time.perf_counter() - start
        count = len(list(out.iterdir()))
        print(f"export plans --all --format {fmt}: {count} plans in {seconds:.1f} s = "
              f"{count / seconds:.0f} plans/s (store reads and checks included)")


if __name__ == "__main__":
    main()
