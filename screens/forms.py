"""Modal forms on the child's record: the child (add and edit), a person, a consent
decision, the WIR 2.2 withheld-consent path, and a yes/no confirmation.

Every form checks each field as it is typed (the problem appears on the line under the
field), checks everything again on save, and writes nothing until it is valid. Saving runs
the use case in a worker thread inside `Store.session(actor)`, so every change is audited;
a problem the use case finds (e.g. a reference already in use) is shown beside its field.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from cintui.casework import cases, drafts, record
from cintui.casework.conflicts import EditConflict
from cintui.domain import child as child_rules
from cintui.domain.consent import (
    CONSENT_DECISIONS,
    CONSENT_METHODS,
    CONSENT_SCOPES,
    OVERRIDE_SCOPES,
    SCOPE_LABELS,
    WITHHELD_DECISIONS,
    WITHHELD_LABELS,
    ConsentFact,
    WithheldConsentRecord,
    check_withheld,
    service_reason,
)
from cintui.domain.dates import NotADay, day_words, read_day, typed_date
from cintui.domain.people import (
    PERSON_KINDS,
    PR_BY_LAW_NOTE,
    InvalidContact,
    check_email,
    holds_pr_by_law,
    normalise_phone,
    professional_hint,
)
from cintui.domain.text import control_problem
from cintui.reference import codes
from cintui.screens.widgets.plain import plain
from cintui.store.base import StoreError

from .widgets.choices import YES_NO_KEYS, KeyedSelect, YesNo, keyed
from .widgets.fields_scroll import FieldsScroll
from .widgets.footer import Footer
from .widgets.names import NameBox
from .widgets.notices import CompactNotices, notices_css
from .widgets.typed import TAB_BINDINGS, TabMovesAtOnce, after_typing, refused


def parse_date(text: str) -> date | None:
    """A date as a worker types it (`typed_date`: 23/11/2026, 23112026, 23 Nov 2026,
    2026-11-23); blank is None."""
    return typed_date(text)


def _problem(exc: Exception) -> tuple[str, str]:
    field = getattr(exc, "field", "")
    problem = getattr(exc, "problem", None)
    if problem is None:
        text = str(exc)
        problem = text.partition(": ")[2] if field and text.startswith(f"{field}:") else text
    return field, problem


class FormLine(Static):
    """A line at the foot of a form (its warnings, why it was not saved), in view however
    long the form: no row while it says nothing."""

    def __init__(self, content: str = "", **kwargs) -> None:
        super().__init__(content, **kwargs)
        self.display = bool(content)

    def update(self, content="", *, layout: bool = True) -> None:
        super().update(content, layout=layout)
        self.display = bool(str(content).strip())
        if self.is_mounted and isinstance(self.parent, Widget):  # the boxes' room changed
            self.call_after_refresh(self._focused_in_view)

    def _focused_in_view(self) -> None:
        focused = self.screen.focused if self.is_attached else None
        scroll = next((w for w in self.ancestors if isinstance(w, FieldsScroll)), None)
        if focused is not None and scroll is not None:
            scroll.keep_in_view(focused)  # the one typed in stays in view


def at_end(area: TextArea) -> TextArea:
    """A box holding what was written, its cursor after the last word: a word added to a
    rationale or an assessment heading goes after it (it went before its first word)."""
    area.move_cursor(area.document.end)
    return area


class FormButton(Button):
    """Save or Cancel on a form. A letter typed while it has the cursor (a Tab too many, or
    a form that opened on another box than the one expected) goes on in a box, as it is
    read, and a notice says which (`FormScreen.typed_on_button`): it went nowhere, and a
    manager's rationale was lost without a word. Enter still presses it."""

    @property
    def typing_goes_to(self) -> str | None:
        """The box a letter typed here goes to (`HoldsKeys._typing_box` reads it as the key
        is read, so the letters behind it follow in order), or None."""
        screen = self.screen
        return screen.typed_on_button(self) if isinstance(screen, FormScreen) else None


def importer_refusal(app, session, what: str) -> str | None:
    """Why the app may not import `what` ("a caseload", "a transfer pack") as whom it acts
    now: no one has said who they are and that is no worker on the store (None: it may), as
    `cintui import` refuses it (`access.importer_refusal`)."""
    from cintui.casework import cases
    from cintui.store import access

    workers = {w.username for w in cases.list_workers(session)}
    return access.importer_refusal(app.actor, workers, what, in_app=True)


class FormScreen(CompactNotices, TabMovesAtOnce, ModalScreen):
    """A modal form: one row per field, its problem on the line below it."""

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen #form { width: 96; max-width: 100%; max-height: 95%; height: auto; border: thick $primary;
                       background: $surface; padding: 0 1; }
    FormScreen #form-title { text-style: bold; margin: 0 0 1 0; dock: top; }
    FormScreen .form-about { height: auto; margin: 0 0 1 0; }
    FormScreen .field { height: auto; }
    FormScreen .field Label { width: 24; padding: 0 1 0 0; }
    FormScreen .field Horizontal { height: auto; }
    FormScreen .field Input, FormScreen .field Select { width: 1fr; }
    FormScreen .field TextArea.prose { width: 1fr; height: auto; max-height: 6; padding: 0; }
    FormScreen TextArea.prose > .text-area--placeholder { text-style: italic; }
    FormScreen Input > .input--placeholder { text-style: italic; }
    FormScreen .error { color: $error; height: auto; padding: 0 0 0 24; }
    FormScreen .error.-empty { display: none; }
    FormScreen #form-foot { height: auto; dock: bottom; }
    FormScreen #form-error { color: $error; height: auto; }
    FormScreen #form-info { color: $warning; height: auto; }
    FormScreen .warning { color: $warning; height: auto; padding: 0 0 0 24; }
    FormScreen .warning.-empty { display: none; }
    FormScreen .hint { color: $text-muted; height: auto; padding: 0 0 0 24; }
    FormScreen .hint.-empty { display: none; }
    FormScreen #buttons { height: auto; margin: 1 0 0 0; align: right middle; }
    FormScreen #buttons Button { margin: 0 0 0 2; }
    """ + notices_css("FormScreen")  # over the top: the form's Save is at its foot
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        # Esc as it is read: the words typed on after it wait for its question (as an
        # ordinary binding it acted only after the box had taken them). Not while a list is
        # open: there Esc closes the list.
        Binding("escape", "cancel", "Cancel", priority=True),
        *TAB_BINDINGS,  # focus moves when Tab is read, before the keys after it (typed.py)
        # Enter in a one-line box moves on as Tab does, when read: as the box's own Enter
        # (then the form's Submitted handler) it moved only after the keys typed behind it,
        # and "Rosa Rose Enter mother" typed fast was a person called "Rosa Rosemother".
        Binding("enter", "enter_in_box", "Next box", show=False, priority=True),
    ]
    TITLE_TEXT = ""
    # A form opens on its first field (a form that says otherwise focuses its own): Textual's
    # own choice, the first focusable widget, was the scrolling form itself, so the first
    # key typed (or a Tab) went nowhere.
    AUTO_FOCUS = ".field > Horizontal > *"
    # Use-case field names that live in a differently named widget.
    ALIASES: dict[str, str] = {}

    # A form on one child's record (`self.child_id`) that keeps what was typed as it is
    # typed (a killed process, the idle lock, PRIV 2): saved as a draft, back when the same
    # form opens again for the same child and subject (`kept_as`).
    KEEP_TYPED = False
    # A form about a child not yet on the record (no `child_id`: a new child) keeps what was
    # typed too, with no child: the worker's own draft of that form, back when they open it
    # again. Other forms with no child (set-up) keep nothing.
    KEEPS_WITHOUT_CHILD = False

    def _keeps(self) -> bool:
        return self.KEEP_TYPED and (getattr(self, "child_id", None) is not None
                                    or self.KEEPS_WITHOUT_CHILD)

    def kept_as(self) -> str:
        """Which form this is, for its kept draft: its class, and for a form about one thing
        on the record (a person, a need, an action: `kept_key`) that thing too, so that what
        was typed about one never comes back in the form about another."""
        return getattr(self, "kept_key", None) or type(self).__name__

    def find_kept(self, session) -> drafts.DraftRow | None:
        """The kept draft this form puts back as it opens (None: none): its own kind's."""
        return drafts.kept_form(session, getattr(self, "child_id", None), self.app.actor,
                                self.kept_as())

    def kept_values(self, values: dict, part: str) -> dict:
        """The fields' `values` as the draft keeps them (`part`: "values" or "opened"). A
        form whose fields are numbered by what it shows (the supervision session's children)
        keeps them by what they are about, so that they come back where they belong."""
        return values

    def shown_values(self, values: dict, part: str) -> dict:
        """A kept draft's `values` as this form's fields (`kept_values` the other way)."""
        return values

    def __init__(self) -> None:
        super().__init__()
        self.touched: set[str] = set()
        self._opened: dict | None = None  # the values it opened with (kept: only if typed)
        self._as_mounted: dict = {}  # the values it was drawn with (`typed_unsaved`)
        self._kept_id: uuid.UUID | None = None
        # Its mark in the draft it keeps, and the mark the draft it put back had: another
        # terminal that put back the same draft and typed in it keeps on there, this form
        # in a draft of its own (`drafts.keep_form`).
        self._mark = uuid.uuid4().hex
        self._adopted: str | None = None
        self.saver: drafts.DraftSaver | None = None  # KEEP_TYPED: writes the draft as typed
        self._saving = False  # saving or cancelling: no draft is kept from then on
        self._needed_for: list[tuple[str, str, frozenset, bool]] = []  # `tab_stop_only_for`

    # ------------------------------------------------------------ examples that fit

    # A form whose fields are filled from the store after it opens (on a worker thread)
    # calls `_restore_kept` itself once they are: what was typed goes over the record's
    # values, not under them, and what it opened with is the record's.
    FILLED_LATER = False

    def _on_mount(self) -> None:
        self._as_mounted = self._values()  # what nothing typed looks like (`typed_unsaved`)
        first = self._first_to_type()
        if first is not None:  # (a form's own `on_mount` may focus elsewhere after this)
            self.set_focus(first)
        self.call_after_refresh(self._fit_examples)
        if self.KEEP_TYPED and not self.FILLED_LATER:
            self.call_after_refresh(self._restore_kept)

    def _first_to_type(self) -> Widget | None:
        """Where the form opens: its first field, past a date filled in with today (the
        FGC referral's "Referred on", a supervision's date), which is right as it is far
        more often than not; Shift+Tab goes back to it. "r Jo Bloggs" on the FGC screen
        once typed the coordinator into the date."""
        today = f"{self.app.today:%d/%m/%Y}"
        for widget in self.query(self.AUTO_FOCUS):
            if not widget.focusable:
                continue
            if isinstance(widget, Input) and widget.value == today:
                continue
            return widget
        return None

    # ------------------------------------------------------------ boxes a choice needs

    def tab_stop_only_for(self, box: str, choice: str, values: Iterable[object], *,
                          while_typed: bool = False) -> None:
        """`box` is a tab stop only while the choice `choice` holds one of `values`: for the
        others it is greyed and Tab passes it (kept as typed; `while_typed`: left open while
        it holds something, so that it can be cleared). Applied as the choice's key is read
        (`KeyedSelect.when_chosen`), so "m Tab a" goes where the new choice leads, not the
        old: a step-up's date on the referral, a Red's CP discussion, a professional's
        agency and role. A click (Changed) and a kept draft put back apply it too."""
        self._needed_for.append((box, choice, frozenset(values), while_typed))
        self.query_one(f"#{choice}", KeyedSelect).when_chosen = \
            lambda _value: self._apply_needed_for()
        self._apply_needed_for()

    def _apply_needed_for(self) -> None:
        for box, choice, values, while_typed in self._needed_for:
            widget = self.query_one(f"#{box}")
            widget.disabled = self.value(choice) not in values and not (
                while_typed and getattr(widget, "value", ""))

    # ------------------------------------------------------------ kept as typed

    def _values(self) -> dict:
        """Each field's value as typed or chosen (what JSON holds: text, yes/no, a code)."""
        ids = self._ids()
        out: dict = {}
        for name in self.field_names(ids):
            for widget in ids.get(name, ()):
                if isinstance(widget, TextArea):
                    out[name] = widget.text
                elif isinstance(widget, Input | Checkbox) or (
                        isinstance(widget, Select) and isinstance(widget.value, str | int)):
                    out[name] = widget.value
        return out

    def _keep(self) -> None:
        """What the form holds now to the store as a draft, on the saver's thread, once
        something was typed: a killed process, a flat battery or the idle lock loses
        nothing (the visit form's `DraftSaver`)."""
        if not self._keeps() or self._opened is None or self._saving:
            return
        values = self._values()
        if values == self._opened and self._kept_id is None:
            return  # as it opened: nothing typed
        if self.saver is None:
            self.saver = drafts.DraftSaver(self._write_kept)
        self.saver.submit(values)

    def _write_kept(self, values: dict) -> None:
        app = self.app
        with app.store.session(app.actor) as session:
            self._kept_id = drafts.keep_form(
                session, getattr(self, "child_id", None), app.actor, self.kept_as(),
                self.kept_values(values, "values"), self._kept_id,
                opened=None if self._opened is None else self.kept_values(self._opened,
                                                                          "opened"),
                by=self._mark, adopted=self._adopted)

    def save_draft_now(self) -> None:
        """Before the idle lock closes the form (it then flushes `saver`) or Ctrl+E."""
        self._keep()

    def _close_saver(self) -> None:
        if self.saver is not None:
            self.saver.close(timeout=drafts.CLOSE_WAIT_SECONDS)
            self.saver = None

    def on_unmount(self) -> None:
        self._close_saver()

    def values_restored(self) -> None:
        """What follows from the fields' values, once a kept draft has put them back
        quietly (no Changed messages): a form whose fields depend on others redoes it."""

    def _restore_kept(self) -> None:
        # Read here, not in a worker: a key typed before the draft arrived would be kept
        # over it and then overwritten by it. One indexed read of the child's drafts.
        # A form filled later (`FILLED_LATER`) may have keys typed before this: a field that
        # holds other than it was drawn with (`_as_mounted`) was typed, and keeps what was
        # typed; the form opened with what it was drawn with there. "n Leo", typed at once
        # with a kept draft of "Ava", once lost the "Leo".
        now = self._values()
        # Any form: on a busy machine keys typed as it opens ("q Jo…" on the team view) can
        # land before this runs; taken as what it opened with, one Esc then closed it
        # without asking, and the words were gone.
        typed_here = {name for name, value in now.items()
                      if value != self._as_mounted.get(name, value)}
        self._opened = {**now, **{name: self._as_mounted[name] for name in typed_here}}
        app = self.app
        if not self._keeps():
            return
        if typed_here:  # kept too (their Changed came before there was a draft to keep)
            self.call_after_refresh(self._keep)
        with app.store.read() as session:
            kept = self.find_kept(session)
        if kept is None:
            return
        self._kept_id, self._adopted = kept.id, kept.payload.get("by")
        ids = self._ids()
        values = self.shown_values(kept.payload.get("values") or {}, "values")
        clashes: list[str] = []
        if "opened" in kept.payload:
            # Only what was typed: a field left as the form opened then (a date defaulting
            # to that day, a person's details another worker has changed since) is left as
            # it opens now.
            was = self.shown_values(kept.payload["opened"], "opened")
            values = {name: value for name, value in values.items()
                      if name not in was or value != was[name]}
            # A field typed here that the record has changed since, elsewhere: what was
            # typed is shown, and the worker is told, so that saving is a choice.
            clashes = [name for name in values
                       if name in was and self._opened.get(name, was[name]) != was[name]]
        values = {name: value for name, value in values.items() if name not in typed_here}
        if not values:
            return
        # Put back quietly, then checked as typed fields: an empty box the worker had not
        # reached yet is not called wrong (it once said "say what was discussed" at once).
        with self.prevent(Input.Changed, TextArea.Changed, Select.Changed, Checkbox.Changed):
            for name, value in values.items():
                for widget in ids.get(name, ()):
                    with contextlib.suppress(Exception):  # an option gone since: left as is
                        if isinstance(widget, TextArea):
                            widget.text = value
                        elif isinstance(widget, Input | Checkbox | Select):
                            widget.value = value
        self.touched |= {name for name, value in values.items()
                         if value not in ("", None) and value != self._opened.get(name)}
        self._apply_needed_for()
        self.values_restored()
        self.refresh_checks(self.touched)
        self.notify("What you typed here before and did not save is back: Ctrl+S saves "
                    "it, Esc then y discards it.")
        if clashes:
            said = ", ".join(f"{self._label_of(name)} (now “{plain(str(self._opened[name]))}”)"
                             for name in clashes)
            self.notify(f"Changed on the record since you typed: {said}. What you typed is "
                        "shown: Ctrl+S saves yours over it, Esc keeps the record's.",
                        severity="warning", timeout=15)

    def _label_of(self, name: str) -> str:
        """The label a field is shown under ("Phone"), for messages about it."""
        for widget in self._ids().get(name, ()):
            if widget.parent is not None:
                for label in widget.parent.query(Label):
                    return str(label.render()).strip() or name
        return name.replace("_", " ")

    def _discard_kept(self) -> None:
        self._saving = True  # closing without saving: a late change must not keep it again
        self._close_saver()
        if self._kept_id is None:
            return
        app, kept = self.app, self._kept_id
        self._kept_id = None

        def discard() -> None:  # off the UI thread: a busy store must not hold up Esc
            with contextlib.suppress(Exception), app.store.session(app.actor) as session:
                drafts.discard(session, kept)

        app.run_worker(discard, thread=True, group="form-discard")

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_examples)

    def _fit_examples(self) -> None:
        """Each box's example (its placeholder) in whole words at the box's width, with "…"
        when cut: at 80 columns an example once ended "strategy discussio"."""
        import textwrap

        for box in [*self.query(Input), *self.query("TextArea.prose")]:
            full = getattr(box, "full_example", None)
            if full is None:
                full = box.full_example = box.placeholder
            width = box.content_region.width
            if full and width > 0:
                box.placeholder = full if len(full) <= width else textwrap.shorten(
                    full, width, placeholder="…")

    # ------------------------------------------------------------ building

    def compose(self) -> ComposeResult:
        with FieldsScroll(id="form"):
            yield Static(plain(self.TITLE_TEXT), id="form-title")
            yield from self.fields()
            # At the foot of the form, one block, in view at 80x24 while its boxes scroll
            # (under the last box, a warning was out of view and said as a notice over the
            # form); each docked on its own, a note of three lines covered Save and Cancel.
            with Vertical(id="form-foot"):
                yield FormLine("", id="form-info")
                yield FormLine("", id="form-error")
                with Horizontal(id="buttons"):
                    yield FormButton("Save (ctrl+s)", id="save", variant="primary")
                    yield FormButton("Cancel (esc)", id="cancel")
        # The form's own keys at the foot, not the keys of the screen under it (which a
        # letter would only type into the form).
        yield Footer()

    def fields(self) -> Iterable[Widget]:
        return ()

    @staticmethod
    def row(name: str, label: str, widget: Widget) -> Widget:
        widget.id = name
        # A name box says under it what Tab does with the name it shows (`NameBox`).
        hint = [Static("", id=f"{name}-hint", classes="hint -empty")] \
            if isinstance(widget, NameBox) else []
        return Vertical(
            Horizontal(Label(label), widget),
            *hint,
            Static("", id=f"{name}-error", classes="error -empty"),
            classes="field",
        )

    @staticmethod
    def text(value: str = "", placeholder: str = "") -> Input:
        return Input(value, placeholder=placeholder, compact=True)

    @staticmethod
    def name_box(value: str = "", placeholder: str = "", names: Iterable[str] = ()) -> NameBox:
        """A box for who: `names` (the child's People, roles) suggested as a name is typed,
        and Tab, Enter or Ctrl+S takes the name shown (`NameBox`)."""
        return NameBox(value, names=names, placeholder=placeholder, compact=True)

    @staticmethod
    def prose(value: str = "", placeholder: str = "") -> TextArea:
        """A box for a few sentences (a closure summary, a rationale, what supervision
        discussed): it wraps and grows, Enter starts a new line, Tab moves on, and Ctrl+E
        opens it in your own editor. A one-line box scrolled a paragraph out of sight."""
        return at_end(TextArea(value, placeholder=placeholder, compact=True, soft_wrap=True,
                               tab_behavior="focus", show_line_numbers=False, classes="prose"))

    @staticmethod
    def choice(options: Iterable[tuple[str, object]], value: object = Select.NULL,
               blank: bool = False, keys: dict[object, str] | None = None,
               empty: str | None = None) -> Select:
        """A choice; an option with a key (`keys` by value; yes and no are always y and n)
        is chosen by pressing it. `empty`: what the box says when there is nothing to
        choose from (why, and what to do)."""
        options = list(options)
        extra = {"prompt": empty} if empty and not options else {}
        return KeyedSelect(keyed(options, {**YES_NO_KEYS, **(keys or {})}), value=value,
                           allow_blank=blank, compact=True, **extra)

    # ------------------------------------------------------------ values

    def value(self, name: str):
        widget = self.query_one(f"#{name}")
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        if isinstance(widget, TextArea):
            return widget.text
        return widget.value

    def text_of(self, name: str) -> str:
        return (self.value(name) or "").strip()

    def date_of(self, name: str) -> date | None:
        return parse_date(self.value(name) or "")

    def date_problem(self, problems: dict[str, str], name: str = "on",
                     missing: str = "give the date") -> None:
        """A date the form needs, of something done: not blank (`missing` says what to
        give), a date, and not in the future."""
        try:
            when = self.date_of(name)
        except ValueError as exc:
            problems[name] = str(exc)
            return
        if when is None:
            problems[name] = missing
        elif when > self.app.today:
            problems[name] = f"{day_words(when)} is in the future"

    def date_by(self, name: str) -> date | None:
        """An action's date as councils write it ("18/12", "Fri", "by 18 Dec": the plan's
        and the minutes' reading, `dates.read_day`), from the form's own date (its "on")
        or today; blank is None."""
        raw = self.text_of(name)
        if not raw:
            return None
        try:
            written = self.date_of("on") if self.query("#on") else None
        except ValueError:  # the form's date has its own problem
            written = None
        try:
            return read_day(raw, written or self.app.today)
        except NotADay as exc:
            raise ValueError(exc.problem) from None

    def action_rows(self, rows: int, placeholder: str = "what") -> Iterable[Widget]:
        """`rows` actions as what / who / by rows (`action1`, `action1_who`, `action1_by`)."""
        for i in range(1, rows + 1):
            yield self.row(f"action{i}", f"Action {i}", self.text("", placeholder))
            yield self.row(f"action{i}_who", "  who", self.text(""))
            yield self.row(f"action{i}_by", "  by", self.text("", "dd/mm/yyyy, or e.g. by Fri"))

    def read_action_rows(self, rows: int, problems: dict[str, str] | None = None
                         ) -> list[tuple[str, str, date | None]]:
        """The begun action rows as (what, who, by); into `problems` (when given) a date
        that is not one, and what a begun action lacks (WIR 2.3: an owner and a date)."""
        out = []
        for i in range(1, rows + 1):
            what, who = self.text_of(f"action{i}"), self.text_of(f"action{i}_who")
            try:
                by = self.date_by(f"action{i}_by")
            except ValueError as exc:
                if problems is not None:
                    problems[f"action{i}_by"] = str(exc)
                by = None
            if not (what or who or by or self.text_of(f"action{i}_by")):
                continue
            out.append((what, who, by))
            if problems is not None:
                if not what:
                    problems.setdefault(f"action{i}", "say what is to be done")
                if not who:
                    problems.setdefault(f"action{i}_who", "name who will do it (WIR 2.3)")
                if by is None:
                    problems.setdefault(f"action{i}_by", "give the date it is due by")
        return out

    # ------------------------------------------------------------ checking

    def problems(self) -> dict[str, str]:
        """Problems by field name, from the current values (no store; run per keystroke)."""
        return {}

    def show_problems(self, problems: dict[str, str], fields: Iterable[str],
                      ids: dict[str, list[Widget]] | None = None) -> None:
        ids = self._ids() if ids is None else ids
        for name in fields:
            box = next((w for w in ids.get(f"{name}-error", ()) if isinstance(w, Static)), None)
            if box is not None:
                message = problems.get(name, "")
                box.update(plain(message))  # it may quote what was typed
                box.set_class(not message, "-empty")

    def field_names(self, ids: dict[str, list[Widget]] | None = None) -> list[str]:
        ids = self._ids() if ids is None else ids
        return [i[:-len("-error")] for i, found in ids.items()
                for w in found if w.has_class("error")]

    def _ids(self) -> dict[str, list[Widget]]:
        """The form's widgets that have an id, by id, in the screen's order: one walk of the
        screen per key typed (a query per field walked it, and matched selectors, once
        each: about 30 ms a key on a long form)."""
        found: dict[str, list[Widget]] = {}
        for widget in self.walk_children():
            if widget.id:
                found.setdefault(widget.id, []).append(widget)
        return found

    @on(NameBox.Suggested)
    def _name_shown(self, event: NameBox.Suggested) -> None:
        hint = next((w for w in self._ids().get(f"{event.box.id}-hint", ())
                     if isinstance(w, Static)), None)
        if hint is None:
            return
        said = (f"Tab takes “{event.suggestion}”; Delete keeps “{event.typed}”"
                if event.suggestion else "")
        hint.update(plain(said))
        hint.set_class(not said, "-empty")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    def _changed(self, event) -> None:
        if isinstance(event, Select.Changed):
            self._apply_needed_for()  # (a click: a key applied it as it was read)
        elif isinstance(event.control, Input | TextArea) and event.control.has_focus:
            self._typed_in = event.control  # typed in (not filled in by the form)
        if event.control.id:
            self.touched.add(event.control.id)
        self.query_one("#form-error", Static).update("")
        self.refresh_checks(self.touched)
        self._keep()

    def refresh_checks(self, fields: Iterable[str]) -> dict[str, str]:
        ids = self._ids()
        problems = {**self.plain_text_problems(ids), **self.problems()}
        self.show_problems(problems, fields, ids)
        self.after_check(problems)
        return problems

    def plain_text_problems(self, ids: dict[str, list[Widget]] | None = None) -> dict[str, str]:
        """Plain text only (Trust: output is inert): a control character pasted into any
        text field is a problem beside it, as the store would refuse it on save."""
        ids = self._ids() if ids is None else ids
        problems = {}
        for name in self.field_names(ids):
            for widget in ids.get(name, ()):
                if isinstance(widget, Input | TextArea) and (problem := control_problem(
                        widget.text if isinstance(widget, TextArea) else widget.value,
                        multiline=isinstance(widget, TextArea))):
                    problems[name] = problem
        return problems

    def after_check(self, problems: dict[str, str]) -> None:
        """Hook: forms that show more than per-field problems (WIR 2.2 steps) update here."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter_in_box":  # a one-line box's Enter; elsewhere Enter is the widget's
            return isinstance(self.focused, Input)
        if action == "cancel":
            return not any(select.expanded for select in self.query(Select))
        return True

    def action_enter_in_box(self) -> None:
        self.action_next_box(1)

    # ------------------------------------------------------------ saving

    # ------------------------------------------------------------ typed on a button

    _typed_in: Widget | None = None  # the box last typed in

    def box_to_type_in(self) -> Widget | None:
        """Where a letter typed on Save or Cancel goes: the box last typed in (typing went
        on past it by a Tab too many), else the form's first box still empty, the first a
        person fills (a form that opened elsewhere than expected)."""
        last = self._typed_in
        if last is not None and last.is_attached and last.focusable:
            return last
        for widget in self.query(self.AUTO_FOCUS):
            if isinstance(widget, Input | TextArea) and widget.focusable and not (
                    widget.text if isinstance(widget, TextArea) else widget.value):
                return widget
        return None

    def typed_on_button(self, button: Button) -> str | None:
        """A letter typed on Save or Cancel: the selector of the box it goes to, said in a
        notice, never lost without a word (None: no box to go to, and the notice says how to
        reach one)."""
        what = "Save" if button.id == "save" else "Cancel"
        box = self.box_to_type_in()
        if box is None or not box.id:
            self.notify(f"{what} has the cursor: Shift+Tab goes back to the boxes.",
                        severity="warning")
            return None
        self.notify(f"{what} had the cursor: what you type goes in "
                    f"{self._label_of(box.id)}.", severity="warning")
        return f"#{box.id}"

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if not after_typing(self, self.action_save):
            return  # read once the keys typed just ahead of Ctrl+S are in (typed.py)
        if isinstance(self.focused, NameBox):
            self.focused.take_suggestion()  # what is saved is the name the box shows
        if closed := self.closed_first():  # TRA, BEX 3: nothing else matters then
            refused(self)
            self.show_problems(closed, closed)
            self.query_one(f"#{next(iter(closed))}").focus()
            self.query_one("#form-error", Static).update(self.CLOSED_SAID)
            return
        problems = self.refresh_checks(self.field_names())
        if problems:
            refused(self)
            first = next(iter(problems))
            self.query_one(f"#{first}").focus()
            self.query_one("#form-error", Static).update(
                "Not saved: correct the problems shown beside the fields."
            )
            return
        if why := self.refusal():
            refused(self)
            self.query_one("#form-error", Static).update(f"Not saved: {plain(why)}")
            return
        try:
            job = self.build()
        except ValueError as exc:
            self._not_saved(self.show_error, exc)
            return
        self._saving = True  # a change arriving from now on is not kept (it would outlive
        self._close_saver()  # the save); the saver's last write in, ended with the save
        self._save(job)

    def refusal(self) -> str | None:
        """A reason not to save that no field shows beside it (None: there is none)."""
        return None

    # TRA, BEX 3: casework of a form dated after the case closed is refused before its own
    # checks (a re-referral opens the case again, WAR 3.4), as the booking form does: the
    # date box and what it records ("on", "a supervision"); None: not casework of a day.
    CLOSED_FIRST: tuple[str, str] | None = None
    CLOSED_SAID = "Not saved: the case is closed."

    def closed_first(self) -> dict[str, str]:
        """{date box: the one line} when the form's date falls after the case closed."""
        if self.CLOSED_FIRST is None or getattr(self, "child_id", None) is None:
            return {}
        name, what = self.CLOSED_FIRST
        try:
            day = self.date_of(name)
        except ValueError:
            return {}  # its own check says what is wrong with the date
        if day is None:
            return {}
        with self.app.store.read() as session:
            child = cases.require_child(session, self.child_id)
            problem = cases.closure_refusal(session, child, day, what)
        return {name: problem} if problem else {}

    def build(self) -> Callable[[object], object]:
        """What to save: a function of a write session, made from the widgets' values."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="form-save")
    def _save(self, job: Callable[[object], object]) -> None:
        app = self.app
        kept = self._kept_id
        try:
            with app.store.session(app.actor) as session:
                result = job(session)
                if kept is not None:  # saved: what was kept through the lock goes with it
                    drafts.discard(session, kept)
        except EditConflict as exc:  # changed elsewhere since the form read it
            app.call_from_thread(self._not_saved, self.changed_elsewhere, exc)
            return
        except ValueError as exc:  # RecordError, InvalidContact, InvalidCode, CaseworkError…
            app.call_from_thread(self._not_saved, self.show_error, exc)
            return
        except StoreError as exc:  # a clash with a change saved at the same moment, busy
            app.call_from_thread(self._not_saved, self.show_error,
                                 ValueError(str(exc).removeprefix("not saved: ")))
            return
        app.call_from_thread(self.dismiss, result or True)

    def _not_saved(self, say: Callable[[Exception], object], exc: Exception) -> None:
        refused(self)  # the keys typed after Ctrl+S were meant for what saving would open
        say(exc)
        self._saving = False
        self._keep()  # not saved: what the form holds is kept again, as typed

    def changed_elsewhere(self, exc: EditConflict) -> None:
        """Someone else saved this record after the form read it: say who and when, keep
        what was typed. A form that can save over their change takes `exc.current` as what
        it has now seen (`seen`), so the next Ctrl+S is a choice, not an accident."""
        if exc.current and hasattr(self, "seen"):
            self.seen = exc.current
        self.show_error(exc)

    def show_error(self, exc: Exception) -> None:
        field, problem = _problem(exc)
        field = self.ALIASES.get(field, field)
        if field and self.query(f"#{field}-error"):
            self.show_problems({field: problem}, [field])
            self.query_one(f"#{field}").focus()
            self.query_one("#form-error", Static).update("Not saved: see the field above.")
        else:
            self.query_one("#form-error", Static).update(f"Not saved: {plain(problem)}")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Esc: with nothing typed the form closes at once; with something typed (or a kept
        draft brought back) it asks first, since what was typed is gone once discarded
        (one Esc meant for a list, or pressed by habit, once lost a supervision's notes)."""
        if not after_typing(self, self.action_cancel):
            return  # the keys typed just ahead of Esc count as typed
        if not self.typed_unsaved():
            self.close_unsaved()
            return
        ask_to_discard(self, self.close_unsaved)

    def typed_unsaved(self) -> bool:
        """Whether a field holds something other than the form opened with (or, a kept draft
        brought back, than it opened with before that). Read from the fields themselves:
        in a burst the boxes' Changed messages may not have reached the form yet when the
        Esc typed after them is read."""
        opened = self._opened if self._opened is not None else self._as_mounted
        return self._values() != opened

    def close_unsaved(self) -> None:
        """Close without saving: a draft kept as typed goes with it."""
        self._discard_kept()
        self.dismiss(None)


def ask_to_discard(screen: Screen, discard: Callable[[], None]) -> None:
    """Esc on a form with something typed: y discards it, n or Esc goes back to it."""
    title = getattr(screen, "TITLE_TEXT", "") or "this form"

    def answered(yes: bool | None) -> None:
        if yes:
            discard()

    screen.app.push_screen(ConfirmScreen(
        f"Close “{title}” and discard what you typed? It is not saved: n goes back to it, "
        "Ctrl+S there saves it.", yes="Yes, discard (y)", answered_once_seen=True), answered)


def _check(problems: dict[str, str], field: str, fn: Callable[[], object]) -> None:
    try:
        fn()
    except ValueError as exc:
        problems[field] = _problem(exc)[1]


# ---------------------------------------------------------------- the child


class ChildFormScreen(FormScreen):
    """Add a child or edit one: the date of birth not in the future unless unborn, under 18
    (s17(10)); the referral not in the future; the census codes (DfE CIN census).

    No `child_id`: a new child (DOMAIN.md §10)."""

    # A change of worker is a reallocation (`admin.reallocate`): its refusals (who may
    # reallocate, who may hold children, the date) belong beside the worker's box.
    ALIASES = {"name": "first_name", "worker": "worker_id", "worker_username": "worker_id",
               "by": "worker_id", "to": "worker_id", "on": "worker_id"}
    FILLED_LATER = True  # the child's details arrive from `_load`: kept text after them
    # What was typed is kept as it is typed, a new child's too (the worker's own draft of a
    # child not yet on the record, back when they next add a child): a new child half typed
    # at a front door once went with a killed process or the idle lock.
    KEEP_TYPED = True
    KEEPS_WITHOUT_CHILD = True

    def __init__(self, child_id: uuid.UUID | None = None) -> None:
        super().__init__()
        self.child_id = child_id
        self.seen = ""  # the child's row as loaded (`conflicts`): saved over only knowingly
        self.levels: tuple[str, ...] = ()
        self.worker_choices: dict[uuid.UUID, record.WorkerChoice] = {}
        self.held_by: uuid.UUID | None = None  # the worker the child is allocated to now
        self.TITLE_TEXT = "Edit the child's details" if child_id else "Add a child"

    def fields(self) -> Iterable[Widget]:
        today = self.app.today
        yield self.row("first_name", "First name", self.text())
        yield self.row("last_name", "Last name", self.text())
        yield self.row("known_as", "Known as", self.text())
        yield self.row("dob", "Date of birth", self.text(placeholder="dd/mm/yyyy"))
        yield self.row("expected_dob", "Expected (if unborn)", self.text(placeholder="blank if born"))
        if self.child_id is None:
            yield self.row("referral_date", "Referral date",
                           self.text(today.strftime("%d/%m/%Y")))
            yield self.row("referral_source", "Referral source",
                           self.choice(codes.choices("referral_source"), "10"))
        yield self.row("sex", "Sex", self.choice(codes.choices("sex"), "U"))
        yield self.row("gender_identity", "Gender identity",
                       self.text(placeholder="only if the child or family has said"))
        yield self.row("ethnicity", "Ethnicity", self.choice(codes.choices("ethnicity"), "NOBT"))
        yield self.row("disabilities", "Disability codes", self.text("NONE"))
        yield self.row("primary_need", "Primary need", self.choice(codes.choices("primary_need"), "N0"))
        yield self.row("level", "Level of need", self.choice([], blank=True))
        yield self.row("service", "Service", self.text())
        yield self.row("worker_id", "Allocated worker", self.choice([], blank=True))
        if self.child_id is not None:
            yield self.row("upn", "UPN", self.text())

    def on_mount(self) -> None:
        self._load()
        self.query_one("#first_name").focus()

    @work(thread=True)
    def _load(self) -> None:
        app = self.app
        with app.store.read() as session:
            levels = record.level_choices(session)
            workers = record.list_workers(session)
            current = record.child_input(session, self.child_id) if self.child_id else None
        app.call_from_thread(self._fill, levels, workers, current)

    def _fill(self, levels, workers, current: record.ChildInput | None) -> None:
        if current is not None and current.level and current.level not in levels:
            levels = (*levels, current.level)  # kept as it was, even if no longer listed
        self.levels = levels
        self.worker_choices = {w.id: w for w in workers}
        self.query_one("#level", Select).set_options((plain(lv), lv) for lv in levels)
        self.query_one("#worker_id", Select).set_options(
            (plain(f"{w.name} ({w.username})"), w.id) for w in workers
        )
        if current is None:
            # A new child is the worker's own unless they choose someone else: otherwise it
            # lands unallocated, off their "My caseload".
            me = next((w.id for w in workers if w.username == self.app.worker), None)
            if me is not None:
                self.query_one("#worker_id", Select).value = me
            self.call_after_refresh(self._restore_kept)
            return
        self.seen, self.held_by = current.seen, current.worker_id
        with self.prevent(Input.Changed, Select.Changed):
            for name in ("first_name", "last_name", "known_as", "gender_identity",
                         "disabilities", "service", "upn"):
                self.query_one(f"#{name}", Input).value = getattr(current, name)
            for name in ("dob", "expected_dob"):
                d = getattr(current, name)
                self.query_one(f"#{name}", Input).value = d.strftime("%d/%m/%Y") if d else ""
            for name in ("sex", "ethnicity", "primary_need"):
                self.query_one(f"#{name}", Select).value = getattr(current, name)
            if current.level in levels:
                self.query_one("#level", Select).value = current.level
            if current.worker_id in self.worker_choices:
                self.query_one("#worker_id", Select).value = current.worker_id
        self._as_mounted = self._values()  # the record's details: nothing typed yet
        self.call_after_refresh(self._restore_kept)  # what was typed goes over them

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        today = self.app.today
        if not self.text_of("first_name") and not self.text_of("last_name"):
            problems["first_name"] = "a child needs a first or last name"
        dates: dict[str, date | None] = {}
        for name in ("dob", "expected_dob", "referral_date"):
            if self.query(f"#{name}"):
                try:
                    dates[name] = self.date_of(name)
                except ValueError as exc:
                    problems[name] = str(exc)
        if "dob" not in problems and "expected_dob" not in problems:
            _check(problems, "dob", lambda: child_rules.check_birth_dates(
                dates.get("dob"), dates.get("expected_dob"), today))
            if "dob" in problems and problems["dob"].startswith("give a date of birth or an expected"):
                problems["expected_dob"] = problems.pop("dob")
            _check(problems, "sex", lambda: child_rules.check_sex(
                self.value("sex"), dates.get("dob"), dates.get("expected_dob")))
        if self.query("#referral_date") and "referral_date" not in problems:
            referral = dates.get("referral_date")
            if referral is None:
                problems["referral_date"] = "the date the referral came in is needed"
            elif referral > today:
                problems["referral_date"] = f"{day_words(referral)} is in the future"
        _check(problems, "disabilities",
               lambda: codes.check_multi("disabilities", self.text_of("disabilities"), "disability"))
        if len(self.text_of("upn") if self.query("#upn") else "") > 13:
            problems["upn"] = "a UPN is 13 characters"
        return problems

    def _input(self) -> record.ChildInput:
        return record.ChildInput(
            first_name=self.text_of("first_name"), last_name=self.text_of("last_name"),
            known_as=self.text_of("known_as"), dob=self.date_of("dob"),
            expected_dob=self.date_of("expected_dob"), sex=self.value("sex"),
            gender_identity=self.text_of("gender_identity"),
            ethnicity=self.value("ethnicity"), disabilities=self.text_of("disabilities") or "NONE",
            primary_need=self.value("primary_need"), level=self.value("level") or "",
            service=self.text_of("service"), worker_id=self.value("worker_id"),
            upn=self.text_of("upn") if self.query("#upn") else "", seen=self.seen,
        )

    def build(self):
        today, new = self.app.today, self._input()
        if self.child_id is not None:
            return self._change(self.child_id, new, today)
        worker = self.worker_choices.get(new.worker_id) if new.worker_id else None
        add = cases.NewChild(
            first_name=new.first_name, last_name=new.last_name,
            referral_date=self.date_of("referral_date"), dob=new.dob,
            expected_dob=new.expected_dob, sex=new.sex,
            gender_identity=new.gender_identity, ethnicity=new.ethnicity,
            disabilities=new.disabilities, primary_need=new.primary_need,
            referral_source=self.value("referral_source"), level=new.level,
            service=new.service, worker=worker.username if worker else None,
        )

        def save(session):
            child = cases.add_child(session, add, today)
            if new.known_as:
                child.known_as = new.known_as
            return child.id

        return save

    def _change(self, child_id: uuid.UUID, new: record.ChildInput, today: date):
        """The details changed; another worker chosen is a manager's reallocation, as the
        team view's `a` and `cintui child reallocate` make it: dated today, in the child's
        chronology, the team and service following the worker's, refused beside the box for
        anyone else. It changed the worker and the team alone, with no trace in the record,
        whoever typed it (`cintui child edit` has no worker for that reason)."""
        from cintui.casework import admin

        to = self.worker_choices.get(new.worker_id) if new.worker_id else None
        if to is None or new.worker_id == self.held_by:
            return lambda s: record.update_child(s, child_id, new, today).id
        moving = admin.ReallocationInput((child_id,), to.username, today, self.app.actor)
        details = replace(new, worker_id=None)  # the worker is the reallocation's

        def save(session):
            record.update_child(session, child_id, details, today)
            admin.reallocate(session, moving, today=today)
            return child_id

        return save


# ---------------------------------------------------------------- a person


class PersonFormScreen(FormScreen):
    """WIR 2.9: someone on the meeting contact list, with phone and email checked as typed;
    parental responsibility; interpreter and access needs (WIR 2.8)."""

    def __init__(self, child_id: uuid.UUID, person: record.PersonRow | None = None) -> None:
        super().__init__()
        self.child_id = child_id
        self.person = person
        self.KEEP_TYPED = True
        self.seen = person.stamp if person else ""
        self.TITLE_TEXT = (f"Edit {person.name}" if person else "Add a person to the record")
        self.kept_key = f"PersonFormScreen:{person.person_id if person else 'new'}"
        if person and person.other_children:
            others = (f"{person.other_children} other children's records"
                      if person.other_children > 1 else "1 other child's record")
            self.TITLE_TEXT += f"  (also on {others}: contact details change there too)"

    def fields(self) -> Iterable[Widget]:
        p = self.person
        yield self.row("name", "Name", self.text(p.name if p else ""))
        yield self.row("kind", "Family or professional",
                       self.choice([("Family network", "family"),
                                    ("Professional", "professional")],
                                   p.kind if p else "family",
                                   keys={"family": "f", "professional": "p"}))
        yield self.row("relationship", "Relationship / role to child",
                       self.text(p.relationship if p else "",
                                 "e.g. mother, grandfather, class teacher"))
        # A professional's role on someone left on "family": said here, beside the words
        # that name it, in view at 80x24 (under the form it was out of view, and said as a
        # notice that covered the form).
        yield Static("", id="relationship-warning", classes="warning -empty")
        yield self.row("agency", "Agency (professionals)", self.text(p.agency if p else ""))
        yield self.row("role", "Job role (professionals)",
                       self.text(p.role if p else "", "e.g. DSL, health visitor, GP"))
        yield self.row("phone", "Phone", self.text(p.phone if p else "", "e.g. 07700 900123"))
        yield self.row("email", "Email", self.text(p.email if p else ""))
        yield self.row("address", "Address", self.text(p.address if p else ""))
        yield self.row("parental_responsibility", "Parental responsibility",
                       YesNo("holds PR (y/n)", p.parental_responsibility if p else False,
                             compact=True))
        yield self.row("lives_with_child", "Lives with the child",
                       YesNo("yes (y/n)", p.lives_with_child if p else False, compact=True))
        yield self.row("interpreter_language", "Interpreter (language)",
                       self.text(p.interpreter_language if p else ""))
        yield self.row("access_needs", "Access needs", self.text(p.access_needs if p else ""))
        yield self.row("notes", "Notes", self.text(p.notes if p else ""))

    def on_mount(self) -> None:
        self.query_one("#name").focus()
        # A professional's agency and job role: for a family member no tab stops (Tab from
        # the relationship goes on to the phone). "p Tab Tab North Medical" typed at once is
        # the agency (the boxes once stayed greyed until the Changed message, after the
        # Tabs, and the words went in the phone).
        for name in ("agency", "role"):
            self.tab_stop_only_for(name, "kind", {"professional"})

    def values_restored(self) -> None:
        self._pr_by_law = False  # the kept draft's answer stands

    _pr_by_law = False  # the PR box was ticked from the relationship, not by the worker

    @on(Input.Changed, "#relationship")
    def _parental_responsibility(self, event: Input.Changed) -> None:
        """A new person typed as "mother" (or an adoptive parent) holds parental
        responsibility by law: the box ticks itself, and says so, until the worker answers
        it (y or n); a relationship changed away from those words unticks it again."""
        box = self.query_one("#parental_responsibility", YesNo)
        if self.person is not None or "parental_responsibility" in self.touched:
            return
        if not self._pr_by_law and box.value:
            return  # ticked before this form knew why (a kept draft)
        self._pr_by_law = by_law = holds_pr_by_law(event.value)
        if box.value != by_law:
            with box.prevent(Checkbox.Changed):
                box.value = by_law
            self.refresh_checks(self.touched)  # the note, whichever handler ran first
            self._keep()

    def _input(self) -> record.PersonInput:
        return record.PersonInput(
            name=self.text_of("name"), kind=self.value("kind") or "family",
            relationship=self.text_of("relationship"), agency=self.text_of("agency"),
            role=self.text_of("role"), phone=self.text_of("phone"), email=self.text_of("email"),
            address=self.text_of("address"),
            parental_responsibility=self.value("parental_responsibility"),
            lives_with_child=self.value("lives_with_child"),
            interpreter_language=self.text_of("interpreter_language"),
            access_needs=self.text_of("access_needs"), notes=self.text_of("notes"),
        )

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if self.text_of("phone"):
            _check(problems, "phone", lambda: normalise_phone(self.text_of("phone")))
        if self.text_of("email"):
            _check(problems, "email", lambda: check_email(self.text_of("email")))
        new = self._input()
        if new.kind not in PERSON_KINDS:
            problems["kind"] = "choose family network or professional"
        try:
            _, warnings = record.check_person_input(new)
        except InvalidContact as exc:
            problems.setdefault(exc.field, exc.problem)
            warnings = ()
        if self._pr_by_law and new.parental_responsibility \
                and "parental_responsibility" not in self.touched:
            warnings = (*warnings, PR_BY_LAW_NOTE)
        hint = professional_hint(new.name, new.kind, new.relationship)
        beside = self.query_one("#relationship-warning", Static)
        beside.update(plain(f"⚠ {hint}") if hint else "")
        beside.set_class(not hint, "-empty")
        self.query_one("#form-info", Static).update(
            "\n".join(f"⚠ {w}" for w in warnings if w != hint))
        return problems

    def build(self):
        new, child_id, person = self._input(), self.child_id, self.person
        if person is None:
            return lambda s: record.add_person(s, child_id, new)
        seen = self.seen
        return lambda s: record.update_person(s, child_id, person.person_id, new, seen=seen)


# ---------------------------------------------------------------- restricted to named workers


class RestrictFormScreen(FormScreen):
    """A manager restricts the child's record to named workers: on a team server no one
    else sees it. The manager and the child's worker are always named; no names
    lifts the restriction."""

    TITLE_TEXT = "Restrict this child's record to named workers"

    def __init__(self, child_id: uuid.UUID, named: tuple[str, ...], by: str) -> None:
        super().__init__()
        self.child_id, self.named, self.by = child_id, named, by

    def fields(self) -> Iterable[Widget]:
        yield self.row("to", "Workers (usernames)",
                       self.text(" ".join(self.named), "e.g. amira.ashdown ben.cole; "
                                 "empty: not restricted"))

    def on_mount(self) -> None:
        self.query_one("#to").focus()
        self.query_one("#form-info", Static).update(
            "You and the child's worker are always included.")

    def build(self):
        from cintui.casework import admin

        names = self.text_of("to").replace(",", " ").split()
        child_id, by = self.child_id, self.by
        return lambda s: admin.restrict(s, child_id, names, by=by)


# ---------------------------------------------------------------- consent


class ConsentFormScreen(FormScreen):
    """WAR 4.2, WIR 2.1: one person's consent decision for one scope; BEX 4: information
    shared without consent, with the rationale, where seeking it would put the child at risk."""

    def __init__(self, child_id: uuid.UUID, people: list[record.PersonRow],
                 scope: str = "service", own: bool = False, *,
                 current: Iterable[ConsentFact] = (),
                 child: tuple[str, int | None] = ("", None)) -> None:
        super().__init__()
        self.child_id = child_id
        self.people = people
        self.scope = scope
        self.own = own  # WIR 2.1: the young person's own decision is the one missing
        self.current = tuple(current)  # the decisions in force, and the child's first name
        self.child = child  # and age: what this one would leave consent at (WAR 4.2)
        self.KEEP_TYPED = True
        self.kept_key = f"ConsentFormScreen:{scope}"
        self.TITLE_TEXT = "Record a consent decision"

    def fields(self) -> Iterable[Widget]:
        who = [("The child / young person", "child")]
        who += [(f"{p.name} ({p.relationship or p.kind}){' — PR' if p.parental_responsibility else ''}",
                 str(p.person_id)) for p in self.people if p.kind == "family"]
        default = "child" if self.own else next(
            (str(p.person_id) for p in self.people if p.parental_responsibility), "child")
        yield self.row("person", "Whose decision", self.choice(who, default))
        yield self.row("scope", "Consent to",
                       self.choice(((SCOPE_LABELS[s], s) for s in CONSENT_SCOPES), self.scope))
        yield self.row("decision", "Decision",
                       self.choice(((d, d) for d in CONSENT_DECISIONS), "given"))
        yield self.row("decided_on", "Date", self.text(self.app.today.strftime("%d/%m/%Y")))
        yield self.row("method", "How", self.choice(((m, m) for m in CONSENT_METHODS), "written"))
        yield self.row("notes", "Notes", self.text())
        yield self.row("override_without_consent", "Without consent (BEX 4)",
                       # Whole at 80 columns: the row's own label says "without consent".
                       YesNo("seeking it would put the child at risk (y/n)", False,
                             compact=True))
        yield self.row("override_rationale", "Why (BEX 4)", self.text())

    def on_mount(self) -> None:
        self.query_one("#person").focus()
        self.refresh_checks(())  # the person offered first may leave consent not valid

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        try:
            when = self.date_of("decided_on")
        except ValueError as exc:
            problems["decided_on"] = str(exc)
        else:
            if when is None:
                problems["decided_on"] = "the date of the decision is needed"
            elif when > self.app.today:  # worded as every form words a day (it was ISO)
                problems["decided_on"] = f"{day_words(when)} is in the future"
        if self.value("override_without_consent"):
            if self.value("scope") not in OVERRIDE_SCOPES:
                problems["override_without_consent"] = (
                    "WAR 4.2: a CIN service needs consent and cannot be given without it")
            if not self.text_of("override_rationale"):
                problems["override_rationale"] = (
                    "BEX 4: record why consent was not sought (seeking it would place the "
                    "child at risk)")
        return problems

    def after_check(self, problems: dict[str, str]) -> None:
        self.query_one("#form-info", Static).update(self._still_not_valid(problems))

    def _still_not_valid(self, problems: dict[str, str]) -> str:
        """WAR 4.2, WIR 2.1: a decision that would leave consent to the service not valid
        (an 11-year-old's own "given", the first thing `a` offered on an empty People tab)
        says so before it is saved, in the words the tab and the closure use."""
        if problems or self.value("scope") != "service" or self.value("decision") != "given"                 or not self.child[0]:
            return ""
        person = self.value("person")
        pr = {str(p.person_id) for p in self.people if p.parental_responsibility}
        named = {str(p.person_id): f"{p.name} ({p.relationship})" if p.relationship else p.name
                 for p in self.people}
        new = ConsentFact(
            "service", "given", self.date_of("decided_on"),
            None if person in (None, "child") else person, person in pr,
            is_child=person in (None, "child"), person_name=named.get(person, ""))
        why = service_reason((*self.current, new), self.child[0], self.child[1],
                             [p.name for p in self.people if p.parental_responsibility])
        return f"⚠ Consent to the service would still not be valid: {why}" if why else ""

    def build(self):
        person = self.value("person")
        new = record.ConsentInput(
            scope=self.value("scope"), decision=self.value("decision"),
            decided_on=self.date_of("decided_on"),
            person_id=None if person in (None, "child") else uuid.UUID(person),
            method=self.value("method"), notes=self.text_of("notes"),
            override_without_consent=self.value("override_without_consent"),
            override_rationale=self.text_of("override_rationale"),
        )
        child_id, today = self.child_id, self.app.today
        return lambda s: record.record_consent(s, child_id, new, today)


class WithheldFormScreen(FormScreen):
    """WIR 2.2, the withheld-consent path as a guided record: reasons discussed; an
    alternative source of support and how it is monitored, or else a reflective case
    discussion with the team manager; the decision, its analysis and who decided. The steps
    still missing are listed as the worker types; an unfinished path can be saved."""

    ALIASES = {"decided_by_id": "decided_by"}

    def __init__(self, child_id: uuid.UUID, consent: record.ConsentRow,
                 workers: list[record.WorkerChoice]) -> None:
        super().__init__()
        self.child_id = child_id
        self.consent = consent
        self.KEEP_TYPED = True
        self.kept_key = f"WithheldFormScreen:{consent.id}"
        self.seen = consent.stamp
        self.worker_choices = workers
        self.TITLE_TEXT = (f"Withheld consent (WIR 2.2): {consent.scope_label} "
                           f"{consent.decision} by {consent.who}")

    def fields(self) -> Iterable[Widget]:
        w = self.consent.withheld or WithheldConsentRecord()
        discussed = w.reflective_discussion_on
        decider = self.consent.decided_by_id
        yield self.row("reasons", "1. Reasons discussed", self.text(w.reasons))
        yield self.row("alternative_support", "2a. Alternative support",
                       self.text(w.alternative_support, "offered by the family"))
        yield self.row("alternative_monitoring", "2b. How monitored",
                       self.text(w.alternative_monitoring, "how, and by whom"))
        yield self.row("reflective_discussion_on", "2c. Reflective discussion",
                       self.text(discussed.strftime("%d/%m/%Y") if discussed else "",
                                 "date, with team manager, if no alternative"))
        yield self.row("decision", "3. Decision",
                       self.choice(((WITHHELD_LABELS[d], d) for d in WITHHELD_DECISIONS),
                                   w.decision or Select.NULL, blank=True))
        yield self.row("analysis", "4. Analysis", self.text(w.analysis))
        workers = [(f"{x.name} ({x.role.replace('_', ' ')})", x.id) for x in self.worker_choices]
        yield self.row("decided_by", "5. Decided by",
                       self.choice(workers, decider if decider else Select.NULL, blank=True))
        yield Static("", id="steps")

    def on_mount(self) -> None:
        self.query_one("#reasons").focus()
        self.refresh_checks(())

    def _record(self) -> WithheldConsentRecord:
        try:
            discussed = self.date_of("reflective_discussion_on")
        except ValueError:
            discussed = None
        decider = self.value("decided_by")
        names = {w.id: w.name for w in self.worker_choices}
        return WithheldConsentRecord(
            reasons=self.text_of("reasons"),
            alternative_support=self.text_of("alternative_support"),
            alternative_monitoring=self.text_of("alternative_monitoring"),
            reflective_discussion_on=discussed, decision=self.value("decision") or "",
            analysis=self.text_of("analysis"), decided_by=names.get(decider, ""),
        )

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        today = self.app.today
        try:
            discussed = self.date_of("reflective_discussion_on")
        except ValueError as exc:
            problems["reflective_discussion_on"] = str(exc)
        else:
            if discussed and discussed > today:
                problems["reflective_discussion_on"] = f"{day_words(discussed)} is in the future"
            elif discussed and discussed < self.consent.decided_on:
                problems["reflective_discussion_on"] = (
                    f"{day_words(discussed)} is before the refusal "
                    f"({day_words(self.consent.decided_on)})")
        if self.text_of("alternative_monitoring") and not self.text_of("alternative_support"):
            problems["alternative_support"] = "say what the alternative support is"
        return problems

    def after_check(self, problems: dict[str, str]) -> None:
        missing = check_withheld(self._record(), self.app.today)
        steps = self.query_one("#steps", Static)
        if not missing:
            steps.update("[green]All steps of the withheld-consent path are recorded.[/]")
        else:
            steps.update("[b]Still to do:[/b]\n" + "\n".join(f"• {plain(p.message)}" for p in missing))

    def build(self):
        path = record.WithheldInput(
            reasons=self.text_of("reasons"),
            alternative_support=self.text_of("alternative_support"),
            alternative_monitoring=self.text_of("alternative_monitoring"),
            reflective_discussion_on=self.date_of("reflective_discussion_on"),
            decision=self.value("decision") or "", analysis=self.text_of("analysis"),
            decided_by_id=self.value("decided_by"),
        )
        child_id, consent_id, today, seen = self.child_id, self.consent.id, self.app.today, self.seen
        return lambda s: record.record_withheld_path(s, child_id, consent_id, path, today,
                                                     seen=seen)


# ---------------------------------------------------------------- confirmation


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no before something is removed from the record."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen #confirm { width: 70; max-width: 100%; height: auto; border: thick $error;
                             background: $surface; padding: 1 2; }
    ConfirmScreen #confirm-buttons { height: auto; margin: 1 0 0 0; align: right middle; }
    ConfirmScreen Button { margin: 0 0 0 2; }
    """
    # Acted on as read, with the keys typed after the answer held for the screen below
    # (`cintui.held_keys`): as ordinary bindings, "d y e" at once reached this question
    # before it closed, and the "e" was lost.
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", priority=True),
        Binding("n,escape", "answer(False)", "No", priority=True),
    ]

    def __init__(self, message: str, yes: str = "Yes, remove (y)",
                 answered_once_seen: bool = False) -> None:
        super().__init__()
        self.message = message
        self.yes = yes
        # The keys typed before it was drawn are dropped, not taken as the answer
        # (`HoldsKeys`): for a yes that loses what was typed.
        self.answered_once_seen = answered_once_seen

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(plain(self.message), id="confirm-message")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button("No (n)", id="no")
        # Its own keys at the foot: the form's below (Ctrl+S Save, Esc Cancel) once showed
        # there while it asked, keys it does not take.
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#no").focus()

    def action_answer(self, yes: bool) -> None:
        hold = getattr(self.app, "hold_keys", None)
        if hold is not None:
            hold(self)
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")
