"""The monthly reports from the palette (Ctrl+P "Report: compliance …", "Report: performance
…", "Census: export the CIN census return …"): the period or collection year, the format and
the file, written as `cintui report compliance|performance --md/--csv/--json` and `cintui
export census` write them (the same casework and writers); the notice says where it went."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.widget import Widget
from textual.widgets import Input, Select

from cintui.domain.text import first_upper
from cintui.reference import config

from .forms import FormScreen

PERIOD_CHOICES = {
    "compliance": ("last_full_month", "this_month", "financial_year"),
    "performance": ("financial_year", "last_full_month", "this_month"),
}
TITLES = {
    "compliance": "Report: compliance — timescales kept, in total, per team and per worker "
                  "(as `cintui report compliance`)",
    "performance": "Report: performance — referrals, closures, step-downs, re-referrals, "
                   "caseloads (as `cintui report performance`)",
}


class _WritesAFile(FormScreen):
    """A form that writes one file: its `#file` box follows the choices until typed over,
    and must name a file in a folder that exists."""

    _file_typed_over = False  # the file's name typed: it no longer follows the choices

    @on(Input.Changed, "#file")
    def _file_typed(self, event: Input.Changed) -> None:
        if self.query_one("#file", Input).has_focus:
            self._file_typed_over = True

    def problems(self) -> dict[str, str]:
        path = Path(self.text_of("file")).expanduser()
        if not self.text_of("file") or not path.parent.is_dir():
            return {"file": f"no such folder: {path.parent}"}
        if path.is_dir():
            return {"file": f"{path} is a folder: give a file's name in it"}
        return {}


class ReportExportScreen(_WritesAFile):
    """One report over a period the manager chooses, written to a file (nothing recorded:
    a report holds no child's details beyond the workers' names and counts)."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.TITLE_TEXT = TITLES[kind]

    def fields(self) -> Iterable[Widget]:
        from cintui.domain.reports import named_period
        from cintui.export.reports import REPORT_FORMATS

        today = self.app.today
        periods = [(first_upper(named_period(p, today)[2]), p) for p in PERIOD_CHOICES[self.kind]]
        yield self.row("period", "Period", self.choice(periods, periods[0][1]))
        yield self.row("format", "Format", self.choice(
            [(label, fmt) for label, fmt, _ in REPORT_FORMATS], "md"))
        yield self.row("file", "File", self.text(str(self._file_for("md"))))

    def _file_for(self, suffix: str) -> Path:
        from cintui.domain.reports import named_period

        choice = self.value("period") if self.is_mounted else PERIOD_CHOICES[self.kind][0]
        first, last, _ = named_period(choice or PERIOD_CHOICES[self.kind][0], self.app.today)
        span = f"{first:%Y-%m}" if (first.year, first.month) == (last.year, last.month) \
            else f"{first:%Y-%m}-to-{last:%Y-%m}"
        return config.exports_dir() / f"{self.kind}-{span}.{suffix}"

    @on(Select.Changed)
    def _file_follows(self, event: Select.Changed) -> None:
        """The file's name follows the period and the format until it is typed over."""
        if event.select.id not in ("period", "format") or self._file_typed_over:
            return
        box = self.query_one("#file", Input)
        box.value = str(self._file_for(self.value("format") or "md"))

    def build(self):
        from cintui.casework import reports
        from cintui.domain.reports import named_period
        from cintui.export import reports as out
        from cintui.export.files import write_private

        kind, fmt = self.kind, self.value("format") or "md"
        path = Path(self.text_of("file")).expanduser()
        first, last, named = named_period(self.value("period"), self.app.today)
        make = {"compliance": (reports.compliance_report, out.compliance_data),
                "performance": (reports.performance_report, out.performance_data)}[kind]

        def job(session):
            data = make[1](make[0](session, first, last), team=None, period=named)
            write_private(path, out.report_text(kind, data, fmt).encode("utf-8"))
            return f"{kind.capitalize()} report, {named}, written to {path}"
        return job


class CensusExportScreen(_WritesAFile):
    """The DfE CIN census return for a collection year, as `cintui export census` writes it;
    the children it leaves out (a DfE error) named in the notice, with where to fix them."""

    TITLE_TEXT = "Census: export the CIN census return (XML, checked against the year's " \
                 "DfE schema; as `cintui export census`)"

    def fields(self) -> Iterable[Widget]:
        from cintui.domain.census import YEARS, InvalidCensusInput, census_period, last_collection

        today, begun = self.app.today, []
        for y in YEARS:  # a collection year not yet begun is not offered
            try:
                census_period(y, today)
                begun.append(y)
            except InvalidCensusInput:
                pass
        year = last_collection(today)
        years = [(f"{y} ({y - 1}-{y % 100:02d}: 1 April {y - 1} to 31 March {y})", y)
                 for y in begun]
        yield self.row("year", "Collection year", self.choice(years, year))
        yield self.row("file", "File", self.text(str(self._file_for(year))))

    @staticmethod
    def _file_for(year: int) -> Path:
        return config.exports_dir() / f"cin-census-{year}.xml"

    @on(Select.Changed, "#year")
    def _file_follows(self, event: Select.Changed) -> None:
        if not self._file_typed_over and self.value("year"):
            self.query_one("#file", Input).value = str(self._file_for(self.value("year")))

    def build(self):
        from cintui.casework import census
        from cintui.export.census import SchemaInvalid, write_xml

        year, today = self.value("year"), self.app.today
        path = Path(self.text_of("file")).expanduser()

        def job(session):
            ret = census.build_return(session, year, today=today)
            period = ret.period
            if not ret.children and not ret.excluded:
                raise ValueError(f"no child had an episode open in the {period.year} "
                                 "collection year: nothing written")
            if not ret.children:
                raise ValueError(f"every child in the {period.year} return breaks a DfE "
                                 "validation rule: nothing written (Census: children to "
                                 "clear, or `cintui report census`)")
            try:
                write_xml(ret, path, la=census.store_la_number(session))
            except SchemaInvalid as exc:
                raise ValueError(str(exc)) from None
            n, left = len(ret.children), len(ret.excluded_children)
            said = (f"Wrote {path}: the {period.year} CIN census return ({period.label}), "
                    f"{n} child{'ren' if n != 1 else ''}, {ret.episodes} "
                    f"episode{'s' if ret.episodes != 1 else ''}.")
            if left:
                said += (f" Left out {left} child{'ren' if left != 1 else ''} whose record "
                         "breaks a DfE rule: the team view (F4) lists what to fix.")
            if ret.queries:
                said += f" {len(ret.queries)} DfE quer{'ies' if len(ret.queries) != 1 else 'y'}."
            return said
        return job
