"""Set-up (from the palette): the authority, its teams and the workers who use cintui, in
tables; a sets up the authority, t adds a team, w a worker, e edits the team or worker
under the cursor, l marks a worker as left (once their children are reallocated), h shows
or hides those who have left. Every form checks each field as it is typed."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Input, Select, Static

from cintui.casework import admin
from cintui.domain import workforce as rules
from cintui.domain.dates import day_words
from cintui.screens.forms import ConfirmScreen, FormScreen
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.plain_table import PlainTable, Share, fitted
from cintui.store import access

from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read

# A long name wraps in its column: at 100 columns both tables once ran off the edge. Below
# 100 the email goes (the worker's form shows it), the rest wrap.
TEAM_COLUMNS = (("Team", Share(30)), ("Service", Share(30)), ("Manager", Share(30)),
                ("Workers", 7), ("Open children", 13))
WORKER_COLUMNS = (("Username", 16), ("Name", Share(24)), ("Role", Share(24)),
                  ("Team", Share(24)), ("Children", 8), ("Email", Share(0)))
NARROW = 100


def worker_columns(width: int):
    return WORKER_COLUMNS if width >= NARROW else WORKER_COLUMNS[:-1]


# One key per role in the worker form, shown in each option ("Team manager (t)"): the
# two managers and the two case holders share first letters, so worker and practitioner.
ROLE_KEYS = {"social_worker": "w", "senior_practitioner": "p", "team_manager": "t",
             "service_manager": "s", "reviewing_officer": "r", "business_support": "b"}


class AdminScreen(KeysAsRead, Screen):
    DEFAULT_CSS = """
    AdminScreen #authority { height: auto; padding: 1 1 0 1; }
    AdminScreen .section { text-style: bold; padding: 1 1 0 1; height: auto; }
    AdminScreen #teams { height: auto; max-height: 10; }
    AdminScreen #workers { height: 1fr; }
    """
    # Every key as read, the arrows too (`typed.KeysAsRead`): the words typed after a key
    # that opens a form wait for it, and "↓ e" acts on the row moved to.
    BINDINGS = [
        *KeysAsRead.TABLE_ROWS,
        as_read("escape", "back", "Back"),
        as_read("a", "authority", "Authority"),
        as_read("t", "add_team", "New team"),
        as_read("w", "add_worker", "New worker"),
        as_read("e", "edit", "Edit"),
        as_read("l", "leave", "Left"),
        as_read("h", "toggle_left", "Show/hide leavers", show=False),  # said above the list
    ]

    def __init__(self) -> None:
        super().__init__()
        self.info: admin.AuthorityInfo | None = None
        self.teams: list[admin.TeamRow] = []
        self.staff: list[admin.WorkerRow] = []
        self.show_left = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="authority")
        yield Static("Teams", classes="section")
        yield PlainTable(id="teams", cursor_type="row")
        yield Static("Workers", id="workers-title", classes="section")
        yield PlainTable(id="workers", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self._add_columns()
        self.query_one("#workers", DataTable).focus()
        self.reload()

    def _widths(self) -> list[int]:
        """Both tables' column widths for the screen's width and the rows read."""
        width = self.app.size.width
        teams = {"Team": max((len(t.name) for t in self.teams), default=0),
                 "Service": max((len(t.service) for t in self.teams), default=0),
                 "Manager": max((len(f"{t.manager} ({t.manager_username})") if t.manager
                                 else 4 for t in self.teams), default=0)}
        staff = {"Name": max((len(w.name) + (18 if w.left_on else 0) for w in self.staff),
                             default=0),
                 "Role": max((len(w.role_label) for w in self.staff), default=0),
                 "Team": max((len(w.team) for w in self.staff), default=0)}
        return [*fitted(TEAM_COLUMNS, width, teams),
                *fitted(worker_columns(width), width, staff)]

    def _add_columns(self) -> None:
        self._widths_shown = self._widths()
        widths = iter(self._widths_shown)
        for table_id, columns in (("#teams", TEAM_COLUMNS),
                                  ("#workers", worker_columns(self.app.size.width))):
            table = self.query_one(table_id, DataTable)
            for label, _w in columns:
                table.add_column(label, width=next(widths))

    def _lay_out(self) -> None:
        """The columns made again when the width, or the rows read, need other widths."""
        if self._widths() == getattr(self, "_widths_shown", None):
            return
        for table in self.query(DataTable):
            table.clear(columns=True)
        self._add_columns()

    def on_resize(self) -> None:
        if self._widths() == getattr(self, "_widths_shown", None):
            return
        if self.info is not None:
            self._show(self.info, self.teams, self.staff)  # laid out again, then filled
        else:
            self._lay_out()

    # ---------------------------------------------------------------- loading

    @work(thread=True, exclusive=True, group="admin")
    def reload(self) -> None:
        app = self.app
        with app.store.read() as session:
            info = admin.authority(session)
            teams = admin.list_teams(session)
            workers = admin.list_workers(session, include_left=self.show_left)
        app.call_from_thread(self._show, info, teams, workers)

    def _show(self, info: admin.AuthorityInfo, teams: list[admin.TeamRow],
              workers: list[admin.WorkerRow]) -> None:
        self.info, self.teams, self.staff = info, teams, workers
        self._lay_out()
        name = (f"[b]{plain(info.name)}[/b] · DfE LA number {info.la_number}" if info.name
                else "[b]No authority set up yet[/b]: press a")
        self.query_one("#authority", Static).update(
            f"{name}\nPolicy profile: {info.policy_title} ({info.policy})")
        table = self.query_one("#teams", DataTable)
        keep = table.cursor_row
        table.clear()
        for t in teams:
            manager = Text(f"{t.manager} ({t.manager_username})") if t.manager else Text(
                "none", style="bold red")
            table.add_row(Text(t.name), Text(t.service), manager, str(t.workers),
                          str(t.open_children), key=t.name, height=None)
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        table = self.query_one("#workers", DataTable)
        keep = table.cursor_row
        table.clear()
        for w in workers:
            style = "dim" if w.left_on else ""
            name = w.name + (f" · left {day_words(w.left_on)}" if w.left_on else "")
            row = [Text(w.username, style=style), Text(name, style=style), w.role_label,
                   Text(w.team), str(w.open_children), Text(w.email)]
            table.add_row(*row[:len(table.columns)], key=w.username, height=None)
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        leavers = "those who have left shown" if self.show_left else "h shows those who left"
        self.query_one("#workers-title", Static).update(
            f"Workers ({len([w for w in workers if w.active])} working here; {leavers})")

    # ---------------------------------------------------------------- keys

    def _current(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

    def _done(self, message: str):
        def done(result: object) -> None:
            if result:
                self.notify(message)
                self.reload()
        return done

    def action_authority(self) -> None:
        self.app.push_screen(AuthorityFormScreen(self.info), self._done("Authority saved."))

    def action_add_team(self) -> None:
        self.app.push_screen(TeamFormScreen(None, self._managers()), self._done("Team added."))

    def action_add_worker(self) -> None:
        login = ""
        if self.app.store.server is not None:  # issue 18: their own login, no password yet
            login = (" Their login is made on the team server without a password: the "
                     "database's owner sets one (\\password USERNAME in psql).")
        unmanaged = {t.name for t in self.teams if not t.manager}

        def added(result: object) -> None:
            if not isinstance(result, admin.WorkerRow):
                return
            # A team added before its people: its first team manager manages it (as
            # `worker add` says), which the notice said nothing of.
            manages = (f", and the manager of {plain(result.team)} (it had none)"
                       if result.team in unmanaged and result.role == "team_manager" else "")
            # The worker whose username is your login, added while no one is chosen (a new
            # team's manager setting up): you, from now on, not "no worker chosen" until
            # the next start.
            you = ""
            if getattr(self.app, "worker", None) is None and result.username == access.login_name():
                self.app.act_as(result.username)
                you = f" You are {plain(result.name)} here (your login)."
            self.notify(f"{plain(result.name)} added{manages}.{you}{login}")
            self.reload()

        self.app.push_screen(WorkerFormScreen(None, self.teams), added)

    def action_edit(self) -> None:
        if self.focused is self.query_one("#teams"):
            name = self._current("#teams")
            team = next((t for t in self.teams if t.name == name), None)
            if team is not None:
                self.app.push_screen(TeamFormScreen(team, self._managers()),
                                     self._done("Team saved."))
            return
        worker = self._worker()
        if worker is not None:
            self.app.push_screen(WorkerFormScreen(worker, self.teams),
                                 self._done("Worker saved."))

    def action_leave(self) -> None:
        if self.focused is self.query_one("#teams"):  # not the worker row left highlighted
            self.query_one("#workers").focus()  # below, unseen: choose them first
            self.notify("Choose the worker who leaves (↑ ↓), then press l.")
            return
        worker = self._worker()
        if worker is None:
            return
        if not worker.active:  # what they left part typed, if anything: yours to finish
            question = (f"{worker.name} left on {day_words(worker.left_on)}. Take the forms they "
                        "left part typed, if any (a new child's details, a need), to finish "
                        "or discard them?")
            self.app.push_screen(ConfirmScreen(question, yes="Yes, take them (y)"),
                                 lambda yes: self._take_forms(worker) if yes else None)
            return
        def left(result: object) -> None:
            if result:  # what became of the forms they had part typed, with it
                said = getattr(result, "forms_said", list)()
                self.notify("\n".join([f"{worker.name} marked as left.", *said]),
                            timeout=10 if said else 5)
                self.reload()

        self.app.push_screen(LeaveFormScreen(worker, self.app.today), left)

    @work(thread=True, exclusive=True, group="admin-forms")
    def _take_forms(self, worker: admin.WorkerRow) -> None:
        app = self.app
        try:
            with app.store.session(app.actor) as session:
                left = admin.hand_over_forms(session, worker.username, app.actor)
        except ValueError as exc:  # AdminError: you are no worker here, say
            app.call_from_thread(self.notify, getattr(exc, "problem", str(exc)),
                                 severity="warning")
            return
        said = left.forms_said() or [f"{worker.name} left no forms part typed."]
        app.call_from_thread(self.notify, "\n".join(said), timeout=10)

    def action_toggle_left(self) -> None:
        self.show_left = not self.show_left
        self.reload()

    def _worker(self) -> admin.WorkerRow | None:
        self.query_one("#workers").focus()
        username = self._current("#workers")
        worker = next((w for w in self.staff if w.username == username), None)
        if worker is None:
            self.notify("No worker yet: press w to add one.")
        return worker

    def _managers(self) -> list[admin.WorkerRow]:
        return [w for w in self.staff if w.active and w.role in rules.MANAGER_ROLES]

    def action_back(self) -> None:
        self.app.pop_screen()


# ---------------------------------------------------------------- forms


def _first_problems(problems: list[rules.Problem]) -> dict[str, str]:
    return {p.field: p.message for p in reversed(problems)}  # a field's first problem wins


class AuthorityFormScreen(FormScreen):
    """The authority: its name (on letters and packs), its DfE LA number (on the census
    return) and the policy profile it works to."""

    TITLE_TEXT = "Your authority"
    ALIASES = {"la": "la_number"}

    def __init__(self, info: admin.AuthorityInfo | None) -> None:
        super().__init__()
        self.info = info

    def fields(self) -> Iterable[Widget]:
        info = self.info
        yield self.row("name", "Name", self.text(info.name if info else "",
                                                 "e.g. Exampleshire County Council"))
        yield self.row("la_number", "DfE LA number", self.text(info.la_number if info else "",
                                                              "three digits, e.g. 820"))
        # Another number than the named authority's profile gives: said beside it, kept.
        yield Static("", id="la_number-warning", classes="warning -empty")
        choices = [(f"{title} ({name})", name) for name, title in admin.policy_choices()]
        yield self.row("policy", "Policy profile",
                       self.choice(choices, info.policy if info else Select.NULL))

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    @on(Input.Changed, "#name")
    def _profile_from_name(self, event: Input.Changed) -> None:
        """An authority with a profile of its own works to it: at the first set-up, "London
        Borough of Bexley" typed on a store still on the England default chooses Bexley's
        profile, until the worker chooses one themselves. A team set up without noticing
        the box would have every clock on England's defaults."""
        info = self.info
        if self._policy_chosen or (info and (info.name or info.policy != admin.DEFAULT_POLICY)):
            return  # chosen already: by the worker, at `db init`, or at an earlier set-up
        select = self.query_one("#policy", Select)
        self._policy_by_name = admin.profile_named_in(event.value) or (
            info.policy if info else Select.NULL)
        if select.value != self._policy_by_name:
            select.value = self._policy_by_name

    _la_filled = ""  # the LA number the name or the profile put in its box, not the worker
    _la_by = ""  # which of them: "name" or "profile"

    def _fill_la(self, la: str, by: str) -> None:
        """An authority's name, or the profile chosen, fills its DfE LA number while the box
        is empty or still holds what they put there (a number the worker typed stays). The
        number is the authority's, not its procedures': a name that names no authority cintui
        knows ("Bexleyheath", "Exampleshire" on Wirral's profile) takes back what either
        put there, as `authority set` gives a number by the name alone."""
        box = self.query_one("#la_number", Input)
        if box.value.strip() not in ("", self._la_filled):
            return
        if la:
            self._la_filled, self._la_by = la, by
            box.value = la
        elif self._la_filled and (by == "name" or by == self._la_by):
            self._la_filled = box.value = ""

    @on(Input.Changed, "#name")
    def _la_from_name(self, event: Input.Changed) -> None:
        self._fill_la(admin.la_number_named_in(event.value), "name")

    @on(Input.Changed, "#name")
    @on(Input.Changed, "#la_number")
    def _la_warning(self) -> None:
        said = admin.la_number_warning(self.text_of("name"), self.text_of("la_number"))
        beside = self.query_one("#la_number-warning", Static)
        beside.update(f"⚠ {said}" if said else "")
        beside.set_class(not said, "-empty")

    _policy_chosen = False  # the worker chose the profile: the name no longer does
    _policy_by_name: object = None

    @on(Select.Changed, "#policy")
    def _profile_chosen(self, event: Select.Changed) -> None:
        name = self.text_of("name").strip()
        if isinstance(event.value, str) and (
                not name or admin.profile_named_in(name) == event.value):
            self._fill_la(admin.la_number_of(event.value), "profile")  # not a neighbour's
        if event.value != (self._policy_by_name or (
                self.info.policy if self.info else Select.NULL)):
            self._policy_chosen = True

    def problems(self) -> dict[str, str]:
        problems = rules.check_authority(self.text_of("name"), self.text_of("la_number"))
        return {self.ALIASES.get(k, k): v for k, v in _first_problems(problems).items()}

    def build(self):
        name, la, policy = self.text_of("name"), self.text_of("la_number"), self.value("policy")
        return lambda session: admin.set_authority(session, name=name, la=la, policy=policy)


class TeamFormScreen(FormScreen):
    """A team: its name, service and manager (a team or service manager)."""

    def __init__(self, team: admin.TeamRow | None, managers: list[admin.WorkerRow]) -> None:
        super().__init__()
        self.team = team
        self.managers = managers
        self.seen = admin.team_stamp(team) if team else ""  # saved over only knowingly
        self.TITLE_TEXT = f"Edit the team {team.name}" if team else "Add a team"

    def fields(self) -> Iterable[Widget]:
        t = self.team
        yield self.row("name", "Team name", self.text(t.name if t else "", "e.g. Safeguarding South"))
        yield self.row("service", "Service", self.text(t.service if t else "",
                                                       "e.g. Safeguarding and Support"))
        choices = [(f"{w.name} ({w.role_label.lower()})", w.username) for w in self.managers]
        current = t.manager_username if t and t.manager_username else Select.NULL
        if t and t.manager_username and current not in {w.username for w in self.managers}:
            choices.append((t.manager, t.manager_username))
        yield self.row("manager", "Manager", self.choice(
            choices, current, blank=True,
            empty="none yet: the first team manager added to the team (w) manages it"))

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    def problems(self) -> dict[str, str]:
        return _first_problems(rules.check_team(self.text_of("name"), self.text_of("service")))

    def build(self):
        new = admin.TeamInput(self.text_of("name"), self.text_of("service"),
                              self.value("manager") or "")
        if self.team is None:
            return lambda session: admin.add_team(session, new)
        name, seen = self.team.name, self.seen
        return lambda session: admin.edit_team(session, name, new, seen=seen)


class WorkerFormScreen(FormScreen):
    """A worker: username (what they sign in as; fixed once added), name, role, team,
    email."""

    def __init__(self, worker: admin.WorkerRow | None, teams: list[admin.TeamRow]) -> None:
        super().__init__()
        self.worker = worker
        self.teams = teams
        self.seen = admin.worker_stamp(worker) if worker else ""  # saved over only knowingly
        self.TITLE_TEXT = f"Edit {worker.name} ({worker.username})" if worker else \
            "Add a worker"

    def fields(self) -> Iterable[Widget]:
        w = self.worker
        username = self.text(w.username if w else "", "e.g. amira.ashdown")
        username.disabled = w is not None
        yield self.row("username", "Username", username)
        yield self.row("name", "Full name", self.text(w.name if w else ""))
        yield self.row("role", "Role", self.choice(
            [(label, code) for code, label in rules.ROLE_LABELS.items()],
            w.role if w else "social_worker", keys=ROLE_KEYS))
        # A new worker on a store of one team is in that team (it can still be cleared).
        only = self.teams[0].name if w is None and len(self.teams) == 1 else Select.NULL
        yield self.row("team", "Team", self.choice(
            [(t.name, t.name) for t in self.teams],
            w.team if w and w.team else only, blank=True,
            empty="none yet: a worker can join a team added later (t)"))
        yield self.row("email", "Email", self.text(w.email if w else ""))

    def on_mount(self) -> None:
        self.query_one("#name" if self.worker else "#username").focus()

    def problems(self) -> dict[str, str]:
        problems = _first_problems(rules.check_worker(
            self.text_of("username"), self.text_of("name"), self.value("role") or "",
            self.text_of("email")))
        if self.worker is not None:
            problems.pop("username", None)  # fixed once added
        return problems

    def build(self):
        new = admin.WorkerInput(self.text_of("name"), self.value("role"),
                                self.value("team") or "", self.text_of("email"))
        if self.worker is None:
            username = self.text_of("username")
            return lambda session: admin.add_worker(session, username, new)
        username, seen = self.worker.username, self.seen
        return lambda session: admin.edit_worker(session, username, new, seen=seen)


class LeaveFormScreen(FormScreen):
    """A worker leaves: the date; refused while they still hold open children."""

    ALIASES = {"worker": "on"}

    def __init__(self, worker: admin.WorkerRow, today) -> None:
        super().__init__()
        self.worker = worker
        self.today = today
        self.TITLE_TEXT = (f"{worker.name} ({worker.username}) leaves: everything they "
                           "recorded stays on the children's records")

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Left on", self.text(f"{self.today:%d/%m/%Y}"))

    def on_mount(self) -> None:
        self.query_one("#on").focus()
        self.refresh_checks(["on"])  # say at once if their children are not reallocated

    def problems(self) -> dict[str, str]:
        try:
            on = self.date_of("on")
        except ValueError as exc:
            return {"on": str(exc)}
        return _first_problems([rules.Problem("on", p.message) for p in rules.check_leaving(
            self.worker.username, on, self.today, self.worker.open_children)])

    def build(self):
        username, on, today = self.worker.username, self.date_of("on"), self.today
        return lambda session: admin.leave(session, username, on=on, today=today)
