"""Step-down to early help (`S` on the child's record, WIR 3) and transfer to another
authority (`T`, BEX 4): where each stands, the checklist, and each next step by one key;
the step-down pack and the transfer pack into the exports folder."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.widget import Widget
from textual.widgets import Select, Static

from cintui.casework import endings, transfer
from cintui.domain.dates import day_words
from cintui.domain.endings import ENDING_STATUS_LABELS
from cintui.domain.text import first_upper
from cintui.domain.transfer import (
    CONSENT_TO_SHARE,
    CONSENT_TO_SHARE_LABELS,
    MOVE_WORDS,
    document_problem,
    documents_going,
    documents_that_can_go,
    moved_repeatedly,
)
from cintui.screens.widgets.hanging import HangingLines
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.typed import as_read

from .endings import (
    YES_NO,
    DecideFormScreen,
    EndingStepsScreen,
    _DatedForm,
    _iso_day,
    _yes_no,
    checklist_parts,
)
from .forms import FormScreen, importer_refusal

LABELS = 22  # the state's label column: "Receiving authority:" and a space


def _answer(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


# ---------------------------------------------------------------- forms


class StepDownFormScreen(_DatedForm):
    """WIR 3: the step-down form (the receiving service, the lead professional, the
    conversation with that team, the family's consent, the documents that go)."""

    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    ALIASES = {"receiving_service": "service", "lead_professional": "lead"}

    def __init__(self, child_id: uuid.UUID, by: str, ending: dict | None,
                 prefill: endings.Prefill | None, *, has_plan: bool = True) -> None:
        super().__init__()
        self.child_id, self.by, self.ending, self.prefill = child_id, by, ending or {}, prefill
        # WIR 3: the CIN plan goes only if there is one (none after an assessment alone,
        # RC9): it was among the documents of every new form, the summary saying "no CIN
        # plan on record".
        self.can_go = documents_that_can_go(has_plan=has_plan)
        self.has_plan = has_plan
        self.TITLE_TEXT = "Step-down to early help / TAF (WIR 3)"

    def fields(self) -> Iterable[Widget]:
        e = self.ending
        chosen = [d for d in e.get("documents") or self.can_go if d in self.can_go]
        yield self.row("service", "Receiving service", self.text(
            e.get("receiving_service") or "", "The early help team / TAF"))
        yield self.row("lead", "Lead professional", self.text(
            e.get("lead_professional") or "", "Named lead professional for the TAF"))
        yield self.row("lead_contact", "Their contact", self.text(e.get("lead_contact") or ""))
        yield self.row("conversation", "Spoke with that team", self.choice(
            YES_NO, _answer(e.get("conversation_held"))))
        yield self.row("notes", "What was said", self.text(e.get("conversation_notes") or ""))
        yield self.row("consent", "Family consents", self.choice(  # to the Level 3 service
            YES_NO, _answer(e.get("family_consent"))))
        yield self.row("documents", "Documents that go", self.text(
            ", ".join(chosen), ", ".join(self.can_go)))
        unmet = e.get("unmet_need")
        if unmet is None and self.prefill is not None:
            unmet = self.prefill.unmet_need
        yield self.row("unmet", "Unmet need stepped down", self.choice(YES_NO, _answer(unmet)))
        if not e:
            yield self.row("on", "On", self.text(f"{self.app.today:%d/%m/%Y}"))

    def on_mount(self) -> None:
        p = self.prefill
        info = (f"From the final meeting of {day_words(p.held_on)}: step down"
                + ("; the child was still in need (STO 3.3)" if p.unmet_need else "")
                if p else "No final meeting recommending a step-down yet (WIR 3: it is a "
                "multi-agency decision at a final CIN meeting).")
        self.query_one("#form-info", Static).update(info)
        self.query_one("#service").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.ending:
            self.date_problem(problems)
        words = self.text_of("documents").replace(",", " ").split()
        if said := next((p for w in words
                         if (p := document_problem(w, has_plan=self.has_plan))), ""):
            problems["documents"] = said
        if self.value("conversation") == "yes" and not self.text_of("notes"):
            problems["notes"] = "note what was said (WIR 3)"
        return problems

    def build(self):
        inp = transfer.StepDownInput(
            receiving_service=self.text_of("service"), lead_professional=self.text_of("lead"),
            lead_contact=self.text_of("lead_contact"),
            conversation_held=_yes_no(self.value("conversation")),
            conversation_notes=self.text_of("notes"),
            family_consent=_yes_no(self.value("consent")),
            documents=(self.text_of("documents"),), unmet_need=_yes_no(self.value("unmet")))
        child_id, today, by = self.child_id, self.app.today, self.by
        on = self.date_of("on") if not self.ending else today
        return lambda session: transfer.record_step_down(session, child_id, inp, on=on, by=by,
                                                         today=today) and True


class EndingDecideFormScreen(DecideFormScreen):
    """WIR 3, BEX 4: the manager agrees or declines a step-down or transfer, with why."""

    BY_PROBLEM = "a team manager or service manager decides"

    def __init__(self, child_id: uuid.UUID, kind: str, managers: list[endings.Decider],
                 me: str | None) -> None:
        self.kind = kind
        self.WHAT = "the step-down" if kind == "step_down" else "the transfer"
        self.AGREE = f"Agree {self.WHAT}"
        self.RULES = "WIR 3; BEX 4" if kind == "step_down" else "BEX 4"
        self.decide = (transfer.decide_step_down if kind == "step_down"
                       else transfer.decide_transfer)
        super().__init__(child_id, managers, me)
        self.early: str | None = None  # WIR 3: no final CIN meeting has recommended it yet

    def on_mount(self) -> None:
        super().on_mount()
        if self.kind == "step_down" and self.managers:
            with self.app.store.read() as session:
                self.early = transfer.step_down_decision_warning(session, self.child_id,
                                                                 self.app.today)
            self._warn_if_agreed()

    @on(Select.Changed, "#outcome")
    def _warn_if_agreed(self) -> None:
        """The warning stands while the decision is to agree: declining needs no meeting."""
        if self.early is not None:
            agreed = self.value("outcome") == "approve"
            self.query_one("#form-info", Static).update(plain(self.early) if agreed else "")


class CompleteStepDownFormScreen(_DatedForm):
    """WIR 3: the step-down done; with the date the family was told and a summary, the
    case closes too (part A's closure checklist)."""

    ALIASES = {"date": "on", "family_told": "told"}

    def __init__(self, child_id: uuid.UUID, due) -> None:
        super().__init__()
        self.child_id = child_id
        self.TITLE_TEXT = ("Step-down completed (WIR 3" + (f": by {day_words(due)})" if due else ")"))

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Completed on", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("told", "Family told of closure", self.text("", "dd/mm/yyyy (optional)"))
        yield self.row("summary", "Closure summary", self.text(
            "", "Optional: with the date told, closes the case"))

    def on_mount(self) -> None:
        self.query_one("#form-info", Static).update(
            "Completing it approves the closure that follows. If the family has been told "
            "already, give the date and a closure summary to close the case now; else close "
            "it on the closure screen (C): the letters (l), the family told (t), close (x).")
        self.query_one("#on").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        if self.text_of("told"):
            self.date_problem(problems, "told")
        if self.text_of("summary") and not self.text_of("told"):
            problems["told"] = "give the date the family was told, to close the case too"
        return problems

    def show_error(self, exc: Exception) -> None:
        """The closure refused: the step-down itself can still be completed now, without
        the two closure fields, and the case closed later (C) once what is missing is done."""
        super().show_error(exc)
        if isinstance(exc, endings.ClosureBlocked):
            self.query_one("#form-error", Static).update(
                f"Not saved: {plain(exc.problem)}. To complete the step-down now and close "
                "the case later (C), empty the family-told date and the closure summary.")

    def build(self):
        child_id, today, on = self.child_id, self.app.today, self.date_of("on")
        told = self.date_of("told") if self.text_of("told") else None
        summary = self.text_of("summary") or None
        return lambda session: transfer.complete_step_down(
            session, child_id, on=on, today=today, family_told_on=told,
            summary=summary) and True


class TransferFormScreen(_DatedForm):
    """BEX 4: the receiving authority, the move, permission to share, and the multiple-moves
    prompt to consider trafficking and modern slavery."""

    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    ALIASES = {"receiving_authority": "authority", "move_date": "move",
               "consent_to_share": "consent", "consent_reason": "reason",
               "trafficking_considered": "trafficking", "move_impact": "impact",
               "responsibilities_told": "told", "service_gaps": "gaps",
               "agencies_asked": "agencies", "sharing_advice": "advice"}
    # BEX 4's principles for the move: each a few words, needed before the pack goes.
    WORDS = (("impact", "move_impact", "Impact on the child",
              "protective factors it changes; risk from people known to us"),
             ("told", "responsibilities_told", "Parents told: school/GP",
              "when and how they were told to register the child with a school and a GP"),
             ("gaps", "service_gaps", "Gaps in services there",
              "needs the new area cannot meet, or none known"),
             ("agencies", "agencies_asked", "Agencies asked",
              "who was asked to pass their records on: school, GP…"),
             ("advice", "sharing_advice", "Caldicott/legal advice",
              "needed when the parents refused permission to share"))

    def __init__(self, child_id: uuid.UUID, by: str, ending: dict | None) -> None:
        super().__init__()
        self.child_id, self.by, self.ending = child_id, by, ending or {}
        self.TITLE_TEXT = "Transfer to another authority (BEX 4)"

    def fields(self) -> Iterable[Widget]:
        e = self.ending
        move = e.get("move_date")
        yield self.row("authority", "Receiving authority", self.text(
            e.get("receiving_authority") or ""))
        yield self.row("contact", "Contact there", self.text(e.get("receiving_contact") or ""))
        yield self.row("move", "Date of move", self.text(
            f"{_iso_to_uk(move)}" if move else "", "dd/mm/yyyy"))
        yield self.row("consent", "Permission to share", self.choice(
            [(first_upper(CONSENT_TO_SHARE_LABELS[c]), c) for c in CONSENT_TO_SHARE],
            e.get("consent_to_share") or Select.NULL, blank=True))
        yield self.row("reason", "Why (not sought/refused)", self.text(
            e.get("consent_reason") or "", "Seeking it would increase the risk because…"))
        moves = e.get("moves_count")
        yield self.row("moves", "Moves known (this one too)", self.text(
            str(moves) if moves is not None else "1"))
        yield self.row("trafficking", "Trafficking considered", self.text(
            e.get("trafficking_considered") or "", "Required after repeated moves"))
        for name, key, label, example in self.WORDS:
            yield self.row(name, label, self.text(e.get(key) or "", example))
        if not e:
            yield self.row("on", "On", self.text(f"{self.app.today:%d/%m/%Y}"))

    def on_mount(self) -> None:
        self.after_check({})
        self.query_one(f"#{self._first_to_do()}").focus()

    def _first_to_do(self) -> str:
        """Where the cursor opens: on a transfer already recorded, the first thing the pack
        still waits for (r and type, not nine Tabs); else the receiving authority."""
        e = self.ending
        if not e:
            return "authority"
        waiting = [("trafficking", "trafficking_considered", moved_repeatedly(e.get("moves_count"))),
                   *((name, key, key != "sharing_advice"
                      or e.get("consent_to_share") == "refused")
                     for name, key, _label, _example in self.WORDS)]
        return next((name for name, key, applies in waiting if applies and not e.get(key)),
                    "authority")

    def _moves(self) -> int | None:
        try:
            return int(self.text_of("moves")) if self.text_of("moves") else None
        except ValueError:
            return None

    def after_check(self, problems: dict[str, str]) -> None:
        moves = self._moves()
        said = []
        if moved_repeatedly(moves) and not self.text_of("trafficking"):
            said.append(f"⚠ The family has moved {moves} times: consider trafficking and "
                        "modern slavery and record it (BEX 4). The pack cannot be marked "
                        "sent until you do.")
        if self.value("consent") == "refused" and not self.text_of("advice"):
            said.append("⚠ The parents refused permission to share: seek the Caldicott "
                        "Guardian's or legal services' advice and record it (BEX 4) before "
                        "the pack goes.")
        self.query_one("#form-info", Static).update("\n".join(said))

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.text_of("authority"):
            problems["authority"] = "name the receiving authority"
        try:
            if self.date_of("move") is None:
                problems["move"] = "give the date of the move"
        except ValueError as exc:
            problems["move"] = str(exc)
        if self.text_of("moves") and (self._moves() is None or self._moves() < 1):
            problems["moves"] = "a whole number, 1 or more"
        if self.value("consent") in ("not_sought", "refused") and not self.text_of("reason"):
            problems["reason"] = "BEX 4: record why"
        if not self.ending:
            self.date_problem(problems)
        return problems

    def build(self):
        inp = transfer.TransferInput(
            receiving_authority=self.text_of("authority"),
            receiving_contact=self.text_of("contact"), move_date=self.date_of("move"),
            consent_to_share=self.value("consent") or "", consent_reason=self.text_of("reason"),
            moves_count=self._moves(), trafficking_considered=self.text_of("trafficking"),
            **{key: self.text_of(name) for name, key, _label, _example in self.WORDS})
        child_id, today, by = self.child_id, self.app.today, self.by
        on = self.date_of("on") if not self.ending else today
        return lambda session: transfer.record_transfer(session, child_id, inp, on=on, by=by,
                                                        today=today) and True


def _iso_to_uk(value: str) -> str:
    from datetime import date

    return f"{date.fromisoformat(value):%d/%m/%Y}"


class SentFormScreen(_DatedForm):
    """BEX 4: the transfer pack sent; the case closes here (RC5)."""

    ALIASES = {"date": "on"}

    def __init__(self, child_id: uuid.UUID) -> None:
        super().__init__()
        self.child_id = child_id
        self.TITLE_TEXT = "Transfer pack sent to the receiving authority (BEX 4)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Sent on", self.text(f"{self.app.today:%d/%m/%Y}"))

    def on_mount(self) -> None:
        self.query_one("#form-info", Static).update(
            "The case closes here with reason RC5 (transferred to another authority).")
        self.query_one("#on").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        return problems

    def build(self):
        child_id, today, on = self.child_id, self.app.today, self.date_of("on")
        return lambda session: transfer.mark_sent(session, child_id, on=on,
                                                  today=today) and True


# ---------------------------------------------------------------- the screens


class EndingScreen(EndingStepsScreen):
    """Where a step-down or transfer stands, and each next step by one key."""

    DEFAULT_CSS = """
    EndingScreen #ending-body { padding: 0 1; }
    EndingScreen Static { height: auto; }
    """
    KIND = "step_down"
    WHAT = "step-down"
    # The screen's own first line; not Textual's TITLE, which took the header's place of
    # who is acting ("cintui · Tom Hale (Team manager)"), as a manager agreed a step-down.
    HEADING = ""
    KEYS: tuple[tuple[str, str, str], ...] = ()

    def details(self, e: dict) -> list:
        """The kind's own lines: (label, value) parts."""
        return []

    def _show(self) -> None:
        s = self.state
        e = s.ending
        parts: list = [Text(f"{self.HEADING}: {s.name} ({s.reference})\n", style="bold")]
        if e is None:
            said = getattr(s.prefill, "words", lambda: "")()  # the final meeting's
            parts.append(Text(f"No {self.WHAT} recorded. Press r to record one"
                              + (f" ({said})" if said else "") + ".\n"))
        else:
            label = ENDING_STATUS_LABELS[e["status"]].replace(
                "completed: the case is closed", "completed")
            parts.append(("Status:", Text(label, style="bold green" if e["status"] ==
                                          "completed" else "bold")))
            parts.append(("Recorded:", f"{_iso_day(e['recommended_on'])} by "
                                       f"{e['recommended_by']}"))
            parts += self.details(e)
            if e["decided_on"]:
                parts.append(("Decided:", f"{_iso_day(e['decided_on'])} by {e['decided_by']}: "
                                          f"{e['rationale']}"))
        shown = (e["decided_on"], e["rationale"]) if e is not None else None
        for dec in s.decisions:
            if shown == (dec.made_on.isoformat(), dec.rationale):
                continue  # the decision above, not twice
            parts.append(("", Text(f"· {day_words(dec.made_on)} {dec.decision} — {dec.who}. "
                                   f"Rationale: {dec.rationale}", style="dim")))
        parts.append(Text("\n"))
        # Labels as a form's questions, wrapping in their column; values under themselves.
        self.query_one("#ending-state", HangingLines).show(parts, width=LABELS, label_style="",
                                                           wrap_labels=True)
        parts = []
        if e is not None and e["status"] in ("recommended", "approved"):
            parts += checklist_parts(f"Before the {self.WHAT} is done", s.checklist)
        if s.remaining:
            parts += checklist_parts("The closure that follows still needs (C, the closure "
                                     "screen)", s.remaining, problems_only=True)
        elif e is not None and e["status"] == "completed" and s.child_status == "closed":
            parts.append(Text("The case is closed.\n", style="green"))
        self.query_one("#ending-checklist", HangingLines).show(parts, width=10,
                                                               label_style="")
        keys = [f"{key} {label}" for key, action, label in self.KEYS if self._allowed(action)]
        self.query_one("#ending-keys", Static).update("Next: " + " · ".join(keys))

    def action_decide(self) -> None:
        self.app.push_screen(EndingDecideFormScreen(self.child_id, self.KIND, self._managers(),
                                                    self.app.worker), self._saved)

    def action_withdraw(self) -> None:
        with self.app.store.session(self.app.actor) as session:
            transfer.withdraw(session, self.child_id, self.KIND)
        self.notify(f"{first_upper(self.WHAT)} withdrawn: the case stays open")
        self.load()


BASE_BINDINGS = [
    as_read("escape", "back", "Back"),
    as_read("r", "record", "Record / edit"),
    as_read("a", "decide", "Manager decides"),
    as_read("w", "withdraw", "Withdraw"),
    as_read("o", "export", "Export pack"),
]


class StepDownScreen(EndingScreen):
    """WIR 3: the step-down form, the manager's decision, the 5 working days, the pack."""

    HEADING = "Step-down to early help"
    KIND, WHAT = "step_down", "step-down"
    BINDINGS = [*BASE_BINDINGS, as_read("x", "complete", "Complete")]
    STEPS = {
        "record": (None, "recommended", "approved", "declined", "withdrawn"),
        "decide": ("recommended",),
        "complete": ("approved",),
        "withdraw": ("recommended", "approved"),
        "export": ("recommended", "approved", "completed"),
    }
    KEYS = (("r", "record", "record / edit the form"), ("a", "decide", "manager's decision"),
            ("x", "complete", "complete"), ("o", "export", "step-down pack"),
            ("w", "withdraw", "withdraw"))

    def state_of(self, session) -> transfer.EndingState:
        return transfer.step_down_state(session, self.child_id, self.app.today)

    def details(self, e: dict) -> list:
        conv, fc = e["conversation_held"], e["family_consent"]
        parts: list = [
            ("Receiving service:", e["receiving_service"] or "—"),
            ("Lead professional:", (e["lead_professional"] or "—")
             + (f" ({e['lead_contact']})" if e["lead_contact"] else "")),
            ("Conversation with that team:",
             ("not recorded" if conv is None else "yes" if conv else "no")
             + (f" — {e['conversation_notes']}" if e["conversation_notes"] else "")),
            ("Family consents to the Level 3 service:",
             "not recorded" if fc is None else "yes" if fc else "no"),
            ("Documents that go:", ", ".join(
                words[:1].lower() + words[1:]
                for words in documents_going(e["documents"], has_plan=self.state.has_plan))
             or "none chosen"),
        ]
        due = self.state.due
        if due and e["status"] == "approved":
            late = due < self.app.today
            parts.append(("Complete by:", Text(
                f"{day_words(due)} (WIR 3: 5 working days)" + (" — OVERDUE" if late else ""),
                style="bold red" if late else "yellow")))
        if e["completed_on"]:
            parts.append(("Completed:", _iso_day(e["completed_on"])))
        return parts

    def action_record(self) -> None:
        self.app.push_screen(StepDownFormScreen(self.child_id, self._by(), self.state.ending
                                                if self.state.status in transfer.ACTIVE
                                                else None, self.state.prefill,
                                                has_plan=self.state.has_plan), self._saved)

    def action_complete(self) -> None:
        self.app.push_screen(CompleteStepDownFormScreen(self.child_id, self.state.due),
                             self._saved)

    @work(thread=True, exclusive=True, group="ending-export")
    def action_export(self) -> None:
        """TRA: the step-down pack, from the final plan, as PDF, DOCX and JSON."""
        from cintui.export import transfer as pack_export

        app = self.app
        with app.store.read() as session:
            doc = transfer.step_down_pack(session, self.child_id, app.today)
        from cintui.reference import config

        folder = self._exports()
        stem = config.unused_stem(folder, f"{doc.child_reference}-step-down-pack",
                                  ("pdf", "docx", "json"))
        written = [pack_export.write_step_down(doc, folder / f"{stem}.{fmt}", fmt)
                   for fmt in ("pdf", "docx", "json")]
        app.call_from_thread(self.notify, "Exported:\n" + "\n".join(map(str, written)),
                             timeout=10)


class TransferScreen(EndingScreen):
    """BEX 4: the transfer form, the manager's decision, the pack, sent."""

    HEADING = "Transfer to another authority"
    KIND, WHAT = "transfer_out", "transfer"
    BINDINGS = [*BASE_BINDINGS, as_read("x", "sent", "Pack sent")]
    STEPS = {
        "record": (None, "recommended", "approved", "declined", "withdrawn"),
        "decide": ("recommended",),
        "sent": ("approved",),
        "withdraw": ("recommended", "approved"),
        "export": ("approved", "completed"),
    }
    KEYS = (("r", "record", "record / edit the form"), ("a", "decide", "manager's decision"),
            ("o", "export", "transfer pack"), ("x", "sent", "pack sent"),
            ("w", "withdraw", "withdraw"))

    def state_of(self, session) -> transfer.EndingState:
        return transfer.transfer_state(session, self.child_id, self.app.today)

    def details(self, e: dict) -> list:
        consent = e["consent_to_share"]
        parts: list = [
            ("Receiving authority:", (e["receiving_authority"] or "—")
             + (f" ({e['receiving_contact']})" if e["receiving_contact"] else "")),
            ("Date of move:", _iso_day(e["move_date"]) or "—"),
            ("Permission to share:",
             (CONSENT_TO_SHARE_LABELS[consent] if consent else "not recorded")
             + (f" — {e['consent_reason']}" if e["consent_reason"] else "")),
        ]
        if e["moved_repeatedly"]:
            considered = e["trafficking_considered"]
            parts.append(("Moves known:", Text(
                f"{e['moves_count']}. Trafficking and modern slavery considered (BEX 4): "
                + (considered or "NOT YET RECORDED"), style="" if considered else "bold red")))
        for key, label in MOVE_WORDS:  # BEX 4's principles for the move
            if key == "sharing_advice" and consent != "refused":
                continue
            parts.append((f"{label}:", Text(e.get(key) or "NOT YET RECORDED",
                                            style="" if e.get(key) else "bold red")))
        if e["completed_on"]:
            parts.append(("Pack sent:", f"{_iso_day(e['completed_on'])}; closed here (RC5)"))
        return parts

    def action_record(self) -> None:
        self.app.push_screen(TransferFormScreen(self.child_id, self._by(), self.state.ending
                                                if self.state.status in transfer.ACTIVE
                                                else None), self._saved)

    def action_sent(self) -> None:
        self.app.push_screen(SentFormScreen(self.child_id), self._saved)

    @work(thread=True, exclusive=True, group="ending-export")
    def action_export(self) -> None:
        """BEX 4: the transfer pack folder (DOCX, PDF and transfer-pack.json)."""
        from cintui.export.transfer import write_transfer_pack

        app = self.app
        with app.store.read() as session:
            docs = transfer.transfer_documents(session, self.child_id, app.today)
        from cintui.reference import config

        exports = self._exports()
        folder = exports / config.unused_stem(
            exports, f"{docs.data['child']['reference']}-transfer-pack", ())
        written = write_transfer_pack(docs, folder)
        app.call_from_thread(self.notify, f"Transfer pack: {len(written)} files in {folder}",
                             timeout=10)


__all__ = ["CompleteStepDownFormScreen", "EndingDecideFormScreen", "SentFormScreen",
           "StepDownFormScreen", "StepDownScreen", "TransferFormScreen", "TransferScreen"]


# ---------------------------------------------------------------- transfer-in (BEX 4)


class TransferInFormScreen(FormScreen):
    """BEX 4, receiving a child: import another authority's transfer pack (the folder, or
    its transfer-pack.json) to create the child with their plan and history. All or
    nothing: a bad pack, or a reference already here, is refused and nothing is written.
    Dismisses with the new child."""

    TITLE_TEXT = "Transfer-in: import a transfer pack from another authority (BEX 4)"
    ALIASES = {"pack": "folder"}

    def fields(self) -> Iterable[Widget]:
        yield self.row("folder", "Pack folder", self.text(
            placeholder="the folder you were sent (it holds transfer-pack.json)"))
        yield self.row("worker", "Receiving worker", self.text(
            getattr(self.app, "worker", None) or "", "username or name (blank: none yet)"))
        yield self.row("team", "Receiving team", self.text(
            placeholder="blank: the worker's team"))
        yield Static("The child is created with their people, consents, the plan in force "
                     "(an agreed v1 received from the other authority), past visits, "
                     "meetings and decisions. The 20 working days to the transfer-in "
                     "meeting start from the date of the move.", classes="hint")

    def problems(self) -> dict[str, str]:
        return {} if self.text_of("folder") else {"folder": "give the pack's folder"}

    def build(self):
        data = transfer.read_pack(Path(self.text_of("folder")).expanduser())
        app, worker, team = self.app, self.text_of("worker") or None, self.text_of("team")

        def job(session):
            if (refused := importer_refusal(app, session, "a transfer pack")) is not None:
                raise ValueError(refused)
            child = transfer.import_pack(session, data, today=app.today, worker=worker,
                                         team=team or None, actor=app.actor)
            return (child.id, child.reference, child.full_name,
                    transfer.older_pack_notes(data))
        return job
