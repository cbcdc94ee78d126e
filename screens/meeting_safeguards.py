"""Forms for the meeting safeguards (issue 23 item 3), from the child's record: the papers
sent before a meeting (WIR 2.3), the visit to a parent absent from a review to gain their
agreement (TRA), and the non-engagement path (WIR 2.10), walked step by step."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from textual.widget import Widget
from textual.widgets import Static

from cintui.casework import safeguards
from cintui.domain.dates import day_short, day_words
from cintui.domain.meeting_safeguards import (
    AGREEMENT_LABELS,
    AGREEMENT_OUTCOMES,
    NON_ENGAGEMENT_STEPS,
    NonEngagement,
    agreement_problem,
    non_engagement_missing,
    papers_problem,
)
from cintui.domain.text import in_sentence
from cintui.screens.widgets.plain import plain

from .forms import FormScreen


class PapersFormScreen(FormScreen):
    """WIR 2.3: the social worker ensures "that relevant information is circulated
    beforehand": when the papers for this meeting went out."""

    ALIASES = {"meeting": "sent_on"}

    def __init__(self, meeting_id: uuid.UUID, label: str, meeting_on: date) -> None:
        super().__init__()
        self.meeting_id, self.meeting_on = meeting_id, meeting_on
        self.TITLE_TEXT = (f"Papers for the {in_sentence(label)} of {day_words(meeting_on)} circulated "
                           "(WIR 2.3)")

    def fields(self) -> Iterable[Widget]:
        yield self.row("sent_on", "Sent on", self.text(f"{self.app.today:%d/%m/%Y}",
                                                       "dd/mm/yyyy"))

    def on_mount(self) -> None:
        self.query_one("#sent_on").focus()

    def problems(self) -> dict[str, str]:
        try:
            sent_on = self.date_of("sent_on")
        except ValueError as exc:
            return {"sent_on": str(exc)}
        problem = papers_problem(sent_on, self.meeting_on, self.app.today)
        return {"sent_on": problem} if problem else {}

    def build(self):
        sent_on, meeting_id, today = self.date_of("sent_on"), self.meeting_id, self.app.today
        return lambda session: safeguards.record_papers(session, meeting_id, sent_on,
                                                        today) and True


class AgreementFormScreen(FormScreen):
    """TRA: "If parent(s) were unable to attend the meeting the allocated worker should
    visit as soon as possible after the review meeting to gain their agreement to the
    review decisions": the visit, and whether they agreed."""

    def __init__(self, owed: list[safeguards.Agreement], held_on: date) -> None:
        super().__init__()
        self.owed, self.held_on = owed, held_on
        self.TITLE_TEXT = (f"Visit to gain agreement to the review of {day_words(held_on)} "
                           "(TRA)")

    def fields(self) -> Iterable[Widget]:
        yield self.row("parent", "Parent visited", self.choice(
            [(f"{a.name} (due {day_short(a.due)})", str(a.id)) for a in self.owed],
            str(self.owed[0].id)))
        yield self.row("visited_on", "Visited on", self.text(f"{self.app.today:%d/%m/%Y}",
                                                             "dd/mm/yyyy"))
        yield self.row("outcome", "Outcome", self.choice(
            [(AGREEMENT_LABELS[o], o) for o in AGREEMENT_OUTCOMES], blank=True))
        yield self.row("notes", "What they said", self.text(
            "", "what they do not agree to, and why"))

    def on_mount(self) -> None:
        self.query_one("#visited_on").focus()

    def problems(self) -> dict[str, str]:
        try:
            visited = self.date_of("visited_on")
        except ValueError as exc:
            return {"visited_on": str(exc)}
        field, problem = agreement_problem(visited, self.value("outcome") or "",
                                           self.text_of("notes"), self.held_on,
                                           self.app.today)
        return {field: problem} if problem else {}

    def build(self):
        agreement_id = uuid.UUID(self.value("parent"))
        visited, outcome = self.date_of("visited_on"), self.value("outcome") or ""
        notes, by, today = self.text_of("notes"), self.app.actor, self.app.today
        return lambda session: safeguards.record_agreement(
            session, agreement_id, visited_on=visited, outcome=outcome, notes=notes, by=by,
            today=today) and True


class NonEngagementFormScreen(FormScreen):
    """WIR 2.10, non-engagement by the family, as a guided record: why the family may be
    uncooperative, what is known, cultural factors, what is required of the parents, how
    to communicate with them, and that records were explained. The steps still to do are
    listed as the worker types; an unfinished path can be saved and carried on."""

    def __init__(self, child_id: uuid.UUID,
                 current: safeguards.NonEngagementRow | None) -> None:
        super().__init__()
        self.child_id, self.current = child_id, current
        self.seen = safeguards.non_engagement_stamp(current)  # saved over only knowingly
        self.KEEP_TYPED = True  # what was typed, back after a crash or the lock
        started = f", started {day_words(current.started_on)}" if current else ""
        self.TITLE_TEXT = f"Non-engagement by the family (WIR 2.10){started}"

    def fields(self) -> Iterable[Widget]:
        path = self.current.path if self.current else NonEngagement()
        for key, (label, _) in NON_ENGAGEMENT_STEPS.items():
            yield self.row(key, label, self.text(getattr(path, key)))
        yield Static("", id="steps")

    def on_mount(self) -> None:
        self.query_one("#why").focus()
        self.refresh_checks(())

    def _path(self) -> NonEngagement:
        return NonEngagement(**{key: self.text_of(key) for key in NON_ENGAGEMENT_STEPS})

    def problems(self) -> dict[str, str]:
        if not any(self.text_of(key) for key in NON_ENGAGEMENT_STEPS):
            return {"why": NON_ENGAGEMENT_STEPS["why"][1]}
        return {}

    def after_check(self, problems: dict[str, str]) -> None:
        missing = non_engagement_missing(self._path())
        steps = self.query_one("#steps", Static)
        if not missing:
            steps.update("[green]Every step of the non-engagement path is recorded.[/]")
        else:
            steps.update("[b]Still to do:[/b]\n" + "\n".join(f"• {plain(text)}"
                                                            for _, text in missing))

    def build(self):
        path, child_id = self._path(), self.child_id
        by, today, seen = self.app.actor, self.app.today, self.seen
        return lambda session: safeguards.save_non_engagement(
            session, child_id, path, by=by, today=today, seen=seen) and True


__all__ = ["AgreementFormScreen", "NonEngagementFormScreen", "PapersFormScreen"]
