"""Writers for the compliance and performance reports: JSON (an envelope with a format name
and version, as every cintui JSON export), CSV (one measure a row, for a spreadsheet) and,
for the performance report, Markdown (for a committee paper).

All three are built from one `*_data` dict, so the formats cannot disagree."""

from __future__ import annotations

import csv
import io
import json

from cintui.domain.dates import day_words
from cintui.domain.reports import (
    COMPLIANCE_LABELS,
    COMPLIANCE_MEASURES,
    COMPLIANCE_SOURCES,
    Compliance,
    ComplianceLine,
    Measure,
    Performance,
)

COMPLIANCE_FORMAT = "cintui-compliance-report"
PERFORMANCE_FORMAT = "cintui-performance-report"
FORMAT_VERSION = 1
COMPLIANCE_CSV = ("scope", "team", "worker", "worker_name", "measure", "met", "total",
                  "percent")
PERFORMANCE_CSV = ("section", "item", "count", "total", "percent", "year_before", "change",
                   "change_percent")


def _measure(m: Measure) -> dict:
    return {"met": m.met, "total": m.total, "percent": m.percent}


def _line(line: ComplianceLine) -> dict:
    return {k: _measure(getattr(line, k)) for k in COMPLIANCE_MEASURES}


def compliance_data(report: Compliance, *, team: str | None = None, period: str = "") -> dict:
    return {
        "format": COMPLIANCE_FORMAT, "format_version": FORMAT_VERSION,
        "from": report.start.isoformat(), "to": report.end.isoformat(),
        "period": period or None,  # "November 2026, the last full month"; None: --from/--to
        "team": team,
        "policy": report.policy,
        "measures": {k: {"label": COMPLIANCE_LABELS[k], "source": COMPLIANCE_SOURCES[k]}
                     for k in COMPLIANCE_MEASURES},
        "total": _line(report.total),
        "by_team": [{"team": t, **_line(line)} for t, line in report.by_team.items()],
        "by_worker": [{"worker": w.username, "name": w.name, "team": w.team,
                       "children": w.children, **_line(w.line)}
                      for w in report.by_worker.values()],
    }


def performance_data(report: Performance, *, team: str | None = None,
                     period: str = "") -> dict:
    c = report.caseload
    return {
        "format": PERFORMANCE_FORMAT, "format_version": FORMAT_VERSION,
        "from": report.start.isoformat(), "to": report.end.isoformat(),
        "period": period or None,  # "financial year 2026-27 to date"; None: --from/--to
        "team": team,
        "referrals": {
            "total": report.referrals,
            "by_quarter": [{"quarter": q.label, "from": q.start.isoformat(),
                            "to": q.end.isoformat(), "count": q.count,
                            "year_before": q.year_before, "change": q.change,
                            "change_percent": q.change_percent} for q in report.quarters],
        },
        "closures": {
            "total": report.closures, "by_duration": dict(report.duration_bands),
            "stepped_down_unmet_need": _measure(report.stepped_down_unmet_need),
            # WAR 9.3: step-downs to Early Help not re-referred within 12 months
            "sustained_step_downs": {**_measure(report.sustained_step_downs),
                                     "too_recent": report.step_downs_too_recent},
        },
        "rereferrals": {
            "total": report.rereferrals, "by_interval": dict(report.rereferral_bands),
            "within_12_months": report.rereferrals_within_12_months,
            "rate": _measure(report.rereferral_rate),
        },
        "open_by_month": [{"month_end": m.day.isoformat(), "open": m.count}
                          for m in report.open_by_month],
        "caseload": {
            "at": report.end.isoformat(),
            "by_worker": [{"worker": u, "name": name, "children": n}
                          for u, (name, n) in c.by_worker.items()],
            "unallocated": c.unallocated, "mean": c.mean, "min": c.min, "max": c.max,
        },
        "family_group_conferences": _fgc(report.fgc),
    }


def _fgc(f) -> dict | None:
    """WAR 9.3 "Increased use of Family Group Conference"."""
    if f is None:
        return None
    return {"referred": f.referred, "held": f.held, "declined": f.declined,
            "held_year_before": f.held_year_before, "change": f.change,
            "children_with_plan": f.children_in_need,
            "children_with_plan_and_fgc": _measure(Measure.of(f.children_with_fgc,
                                                              f.children_in_need))}


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------- CSV


def _cell(value):
    # A text cell a spreadsheet would run as a formula is quoted with a leading apostrophe.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _csv(header: tuple[str, ...], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def compliance_csv(data: dict) -> str:
    def rows():
        scopes = [("total", "", "", "", data["total"])]
        scopes += [("team", t["team"], "", "", t) for t in data["by_team"]]
        scopes += [("worker", w["team"], w["worker"], w["name"], w) for w in data["by_worker"]]
        for scope, team, worker, name, line in scopes:
            for k in COMPLIANCE_MEASURES:
                m = line[k]
                yield scope, team, worker, name, k, m["met"], m["total"], m["percent"]

    return _csv(COMPLIANCE_CSV, rows())


def _performance_rows(data: dict):
    r, c, rr = data["referrals"], data["closures"], data["rereferrals"]
    yield "referrals", "total", r["total"], None, None, None, None, None
    for q in r["by_quarter"]:
        yield ("referrals", q["quarter"], q["count"], None, None, q["year_before"], q["change"],
               q["change_percent"])
    yield "closures", "total", c["total"], None, None, None, None, None
    for band, n in c["by_duration"].items():
        yield "closures_by_duration", band, n, c["total"], _pct(n, c["total"]), None, None, None
    s = c["stepped_down_unmet_need"]
    yield "stepped_down_unmet_need", "closures", s["met"], s["total"], s["percent"], None, \
        None, None
    sd = c["sustained_step_downs"]
    yield "sustained_step_downs", "not re-referred within 12 months", sd["met"], sd["total"], \
        sd["percent"], None, None, None
    yield "sustained_step_downs", "too recent to tell", sd["too_recent"], None, None, None, \
        None, None
    yield "rereferrals", "total", rr["total"], None, None, None, None, None
    for band, n in rr["by_interval"].items():
        yield "rereferrals_by_interval", band, n, rr["total"], _pct(n, rr["total"]), None, \
            None, None
    rate = rr["rate"]
    yield "rereferral_rate", "within 12 months of a closure", rate["met"], rate["total"], \
        rate["percent"], None, None, None
    for m in data["open_by_month"]:
        yield "open_by_month", m["month_end"], m["open"], None, None, None, None, None
    cl = data["caseload"]
    for w in cl["by_worker"]:
        yield "caseload", w["worker"], w["children"], None, None, None, None, None
    yield "caseload", "unallocated", cl["unallocated"], None, None, None, None, None
    f = data.get("family_group_conferences")
    if f:  # WAR 9.3
        yield "fgc", "referred", f["referred"], None, None, None, None, None
        yield "fgc", "held", f["held"], None, None, f["held_year_before"], f["change"], None
        yield "fgc", "declined", f["declined"], None, None, None, None, None
        m = f["children_with_plan_and_fgc"]
        yield "fgc", "children with a CIN plan who had one", m["met"], m["total"], \
            m["percent"], None, None, None


def _pct(n: int, total: int) -> float | None:
    return Measure.of(n, total).percent


def performance_csv(data: dict) -> str:
    return _csv(PERFORMANCE_CSV, _performance_rows(data))


# ---------------------------------------------------------------------- Markdown


def _md(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>|#" else ch for ch in str(text))


def _p(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
    return out + [""]


def words(iso: str) -> str:
    """A report's ISO day (as its JSON and CSV keep it) as a manager reads it: "7 Dec 2026"."""
    from datetime import date

    return day_words(date.fromisoformat(iso))


def _md_period(data: dict) -> str:
    """The period line: "Financial year 2026-27 to date: 1 Apr 2026 to 7 Dec 2026."."""
    dates = f"{words(data['from'])} to {words(data['to'])}."
    period = data.get("period")
    return f"{_md(period[0].upper() + period[1:])}: {dates}" if period else dates


def in_policy(m: dict) -> str:
    """A measure as a manager reads it: "95% (19/20)"; "—" with nothing due."""
    return "—" if not m["total"] else f"{m['percent']:.0f}% ({m['met']}/{m['total']})"


def compliance_md(data: dict) -> str:
    """The compliance tables for a committee paper, as the terminal prints them: in total
    (with each measure's source), by team and by worker (DOMAIN.md §6)."""
    scope = f" — {_md(data['team'])}" if data["team"] else ""
    out = [f"# Children in Need compliance{scope}", "", _md_period(data), "",
           f"Policy: {_md(data['policy'])}. Each measure: the share kept in policy (kept / "
           "due).", "", "## In total", ""]
    out += _table(["Measure", "In policy", "Source"],
                  [[info["label"], in_policy(data["total"][k]), info["source"]]
                   for k, info in data["measures"].items()])
    labels = [data["measures"][k]["label"] for k in COMPLIANCE_MEASURES]
    for title, lines in (("By team", data["by_team"]), ("By worker", data["by_worker"])):
        out += [f"## {title}", ""]
        out += _table([title.removeprefix("By ").capitalize(), *map(_md, labels)],
                      [[line.get("name") or line.get("worker") or line["team"]
                        or "(unallocated)", *(in_policy(line[k]) for k in COMPLIANCE_MEASURES)]
                       for line in lines])
    return "\n".join(out).rstrip() + "\n"


def performance_md(data: dict) -> str:
    r, c, rr, cl = data["referrals"], data["closures"], data["rereferrals"], data["caseload"]
    scope = f" — {_md(data['team'])}" if data["team"] else ""
    out = [f"# Children in Need performance{scope}", "",
           _md_period(data), "",
           f"## New referrals (STO 3.1): {r['total']}", ""]
    out += _table(["Quarter", "Referrals", "Same days a year before", "Change", "Change %"],
                  [[q["quarter"], q["count"], q["year_before"], f"{q['change']:+d}",
                    _p(q["change_percent"])] for q in r["by_quarter"]])
    out += [f"## Closures by duration, referral to closure (STO 3.2): {c['total']}", ""]
    out += _table(["Duration", "Closures", "%"],
                  [[b, n, _p(_pct(n, c["total"]))] for b, n in c["by_duration"].items()])
    s = c["stepped_down_unmet_need"]
    sd = c["sustained_step_downs"]
    out += [f"Closed with unmet need stepped down to Early Help (STO 3.3): {s['met']} of "
            f"{s['total']} closures ({_p(s['percent'])}).", "",
            f"Sustainable step-downs to Early Help (WAR 9.3): {sd['met']} of {sd['total']} "
            f"not re-referred within 12 months ({_p(sd['percent'])}); "
            f"{sd['too_recent']} too recent to tell.", "",
            f"## Re-referrals by interval since the previous closure (WAR 3.2-3.4): "
            f"{rr['total']}", ""]
    out += _table(["Interval", "Re-referrals", "%"],
                  [[b, n, _p(_pct(n, rr["total"]))] for b, n in rr["by_interval"].items()])
    rate = rr["rate"]
    out += [f"Re-referral rate: {rate['met']} referrals within 12 months of a closure, of "
            f"{rate['total']} referrals ({_p(rate['percent'])}).", "",
            "## Open episodes at each month end (WAR 3.1)", ""]
    out += _table(["Month end", "Open"], [[words(m["month_end"]), m["open"]]
                                          for m in data["open_by_month"]])
    mean = "—" if cl["mean"] is None else f"{cl['mean']:.1f}"
    out += [f"## Caseloads on {words(cl['at'])} (WAR 3.5)", "",
            f"Mean {mean}, fewest {cl['min'] if cl['min'] is not None else '—'}, most "
            f"{cl['max'] if cl['max'] is not None else '—'}; unallocated children: "
            f"{cl['unallocated']}.", ""]
    out += _table(["Worker", "Open children"],
                  [[w["name"] or w["worker"], w["children"]] for w in cl["by_worker"]])
    f = data.get("family_group_conferences")
    if f:
        m = f["children_with_plan_and_fgc"]
        out += ["## Family Group Conferences (WAR 9.3: increased use)", "",
                f"Referred {f['referred']}, held {f['held']} (the same days a year before: "
                f"{f['held_year_before']}, {f['change']:+d}), declined {f['declined']}.", "",
                f"Children with a CIN plan in the period who had a Family Group Conference: "
                f"{m['met']} of {m['total']} ({_p(m['percent'])}).", ""]
    return "\n".join(out).rstrip() + "\n"



# ---------------------------------------------------------------------- one call

# The file formats each report is written in: (label, format, suffix).
REPORT_FORMATS = (("Markdown (a committee paper)", "md", "md"), ("CSV (a spreadsheet)", "csv",
                  "csv"), ("JSON (for scripts)", "json", "json"))


def report_text(kind: str, data: dict, fmt: str) -> str:
    """The report `kind` ("compliance" or "performance") built as `data` (`compliance_data`,
    `performance_data`) in `fmt` ("md", "csv", "json"): what `cintui report KIND --md` prints
    and the app writes to a file."""
    if fmt == "json":
        return to_json(data)
    writers = {("compliance", "csv"): compliance_csv, ("compliance", "md"): compliance_md,
               ("performance", "csv"): performance_csv, ("performance", "md"): performance_md}
    return writers[(kind, fmt)](data)
