"""Direct payments kept once (WAR 7.2, 7.2.1): the case steps' record of them (issue 16:
`child.direct_payments_started`, `child.last_direct_payment_review` and the
`direct_payment_review` table) moves into the short-breaks record of revision 0021
(`direct_payment` with its reviews in `support_review`), and the old columns and table go.

Each child with direct payments gets one direct payment, started on the old start date,
open, with its review due exactly when the old clock had it: the policy's
`direct_payment_review` interval from the last review (or the start), on a working day
(DOMAIN.md §11). Each old review becomes a `support_review` row; a last-review date the old
record held without a review row (as the demo wrote them) becomes one too, with a note
saying so. The old record never held the amount, its period or who manages it: the amount
is left empty (NULL, "not recorded"; `amount_pence` becomes nullable), the period and the
manager are "" ("not recorded"). No amount is invented: £0.01 or "unknown" would read as
facts in the pack and the due list. A worker fills them in with `cintui direct-payment
edit`, which asks for all three.

The moved rows are written to the audit trail, so `cintui audit verify` still finds every
record accounted for: by "cintui upgrade 0024" on a file; on PostgreSQL by the login running
the upgrade, which a team server's trigger requires (it refused the upgrade's own name, and
so the whole upgrade), as 0034's entries (audit.upgrade_actor).

Revision 0024, after 0021. Written by hand: portable across SQLite and PostgreSQL. It
imports no models; it does import the pure due-date rule, the England calendar, the policy
profiles and the audit chain's hashing from cintui, because "the review clock unchanged"
is the date those give and the audit chain is only extended by its own hash.
"""

import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

NOTE = ("Moved from the case steps' record of direct payments (revision 0024): the amount, "
        "its period and who manages it were not recorded there.")
REVIEW_NOTE = ("Last review date carried over from the case steps' record (revision 0024); "
               "no review notes were held.")

_child = sa.table("child", sa.column("id", sa.Uuid()),
                  sa.column("direct_payments_started", sa.Date()),
                  sa.column("last_direct_payment_review", sa.Date()))
_old_review = sa.table("direct_payment_review", sa.column("id", sa.Uuid()),
                       sa.column("created_at", sa.DateTime(timezone=True)),
                       sa.column("updated_at", sa.DateTime(timezone=True)),
                       sa.column("child_id", sa.Uuid()), sa.column("reviewed_on", sa.Date()),
                       sa.column("reviewed_by", sa.String()), sa.column("notes", sa.String()))
_payment = sa.table("direct_payment", sa.column("id", sa.Uuid()),
                    sa.column("created_at", sa.DateTime(timezone=True)),
                    sa.column("updated_at", sa.DateTime(timezone=True)),
                    sa.column("child_id", sa.Uuid()), sa.column("amount_pence", sa.Integer()),
                    sa.column("period", sa.String()), sa.column("managed_by", sa.String()),
                    sa.column("started_on", sa.Date()), sa.column("review_due", sa.Date()),
                    sa.column("ended_on", sa.Date()), sa.column("end_reason", sa.String()),
                    sa.column("notes", sa.String()), sa.column("recorded_by", sa.String()))
_review = sa.table("direct_payment_review", sa.column("id", sa.Uuid()),
                       sa.column("created_at", sa.DateTime(timezone=True)),
                       sa.column("updated_at", sa.DateTime(timezone=True)),
                       sa.column("child_id", sa.Uuid()), sa.column("reviewed_on", sa.Date()),
                       sa.column("reviewed_by", sa.String()), sa.column("notes", sa.String()))
_payment = sa.table("direct_payment", sa.column("id", sa.Uuid()),
                    sa.column("created_at", sa.DateTime(timezone=True)),
                    sa.column("updated_at", sa.DateTime(timezone=True)),
                    sa.column("child_id", sa.Uuid()), sa.column("amount_pence", sa.Integer()),
                    sa.column("period", sa.String()), sa.column("managed_by", sa.String()),
                    sa.column("started_on", sa.Date()), sa.column("review_due", sa.Date()),
                    sa.column("ended_on", sa.Date()), sa.column("end_reason", sa.String()),
                    sa.column("notes", sa.String()), sa.column("recorded_by", sa.String()))
_REVIEW_COLUMNS = ("id", "created_at", "updated_at", "child_id", "short_break_id",
                   "direct_payment_id", "reviewed_on", "reviewed_by", "notes", "next_due")
_review = sa.table("support_review", sa.column("id", sa.Uuid()),
                   sa.column("created_at", sa.DateTime(timezone=True)),
                   sa.column("updated_at", sa.DateTime(timezone=True)),
                   sa.column("child_id", sa.Uuid()), sa.column("short_break_id", sa.Uuid()),
                   sa.column("direct_payment_id", sa.Uuid()),
                   sa.column("reviewed_on", sa.Date()), sa.column("reviewed_by", sa.String()),
                   sa.column("notes", sa.String()), sa.column("next_due", sa.Date()))
_meta = sa.table("store_meta", sa.column("key", sa.String()), sa.column("value", sa.String()))
_audit = sa.table("audit_log", sa.column("seq", sa.Integer()),
                  sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String()),
                  sa.column("action", sa.String()), sa.column("entity", sa.String()),
                  sa.column("entity_id", sa.String()), sa.column("changes", sa.String()),
                  sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()))


def _review_clock(conn):
    """The old clock's rule: the store policy's `direct_payment_review` interval from an
    anchor, on a working day of the England calendar (as `domain.timescales.due_date`)."""
    from cintui.domain.calendar import england_calendar
    from cintui.domain.timescales import due_date
    from cintui.reference import policies

    name = conn.execute(sa.select(_meta.c.value).where(_meta.c.key == "policy")).scalar()
    try:
        profile = policies.load_policy(name or policies.DEFAULT_POLICY)
    except Exception:  # a user's profile no longer on this computer: the default's interval
        profile = policies.load_policy(policies.DEFAULT_POLICY)
    ts, cal = profile.timescale("direct_payment_review"), england_calendar()
    return lambda anchor: due_date(anchor, ts, cal)


def _jsonable(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def _audit_inserts(conn, entries: list[tuple[str, dict]], at: datetime) -> None:
    """Extend the audit chain with one insert entry per moved row, as cintui writes them."""
    from cintui.store.audit import _read_head, canonical, entry_hash, upgrade_actor

    if not entries:
        return
    actor = upgrade_actor(conn, revision)
    seq, prev = _read_head(conn)
    rows = []
    for entity, values in entries:
        seq += 1
        body = canonical({k: [None, _jsonable(v)] for k, v in values.items()})
        digest = entry_hash(prev, seq, at, actor, "insert", entity, values["id"].hex, body)
        rows.append({"seq": seq, "at": at, "actor": actor, "action": "insert",
                     "entity": entity, "entity_id": values["id"].hex, "changes": body,
                     "prev_hash": prev, "hash": digest})
        prev = digest
    conn.execute(_audit.insert(), rows)


def _move_old_records(conn) -> None:
    children = conn.execute(
        sa.select(_child.c.id, _child.c.direct_payments_started,
                  _child.c.last_direct_payment_review)
        .where(sa.or_(_child.c.direct_payments_started.is_not(None),
                      _child.c.last_direct_payment_review.is_not(None)))).all()
    old_reviews: dict = {}
    for r in conn.execute(sa.select(_old_review).order_by(_old_review.c.reviewed_on,
                                                          _old_review.c.created_at)):
        old_reviews.setdefault(r.child_id, []).append(r)
    started_of = {c.id: (c.direct_payments_started, c.last_direct_payment_review)
                  for c in children}
    for child_id in old_reviews.keys() - started_of.keys():  # reviews with no start held
        started_of[child_id] = (None, None)
    if not started_of:
        return
    clock = _review_clock(conn)
    now = datetime.now(UTC)
    payments, reviews, entries = [], [], []
    for child_id, (started, last) in sorted(started_of.items(), key=lambda kv: kv[0].hex):
        held = old_reviews.get(child_id, [])
        dates = [r.reviewed_on for r in held]
        started = started or min([*dates, *([last] if last else [])])
        last = last or (max(dates) if dates else None)
        payment = {"id": uuid.uuid4(), "created_at": now, "updated_at": now,
                   "child_id": child_id, "amount_pence": None, "period": "", "managed_by": "",
                   "started_on": started, "review_due": clock(last or started),
                   "ended_on": None, "end_reason": "", "notes": NOTE, "recorded_by": ""}
        payments.append(payment)
        entries.append(("direct_payment", payment))
        moved = [(r.reviewed_on, r.reviewed_by or "", r.notes or "") for r in held]
        if last is not None and last not in dates:
            moved.append((last, "", REVIEW_NOTE))
        for on, by, notes in sorted(moved, key=lambda x: x[0]):
            review = {"id": uuid.uuid4(), "created_at": now, "updated_at": now,
                      "child_id": child_id, "short_break_id": None,
                      "direct_payment_id": payment["id"], "reviewed_on": on,
                      "reviewed_by": by[:200], "notes": notes, "next_due": clock(on)}
            reviews.append(review)
            entries.append(("support_review", review))
    conn.execute(_payment.insert(), payments)
    if reviews:
        conn.execute(_review.insert(), reviews)
    _audit_inserts(conn, entries, now)


def _check_links_now(conn) -> None:
    """PostgreSQL: the deferred foreign-key checks of the rows just written run now; it
    will not alter a table with checks still pending. Deferred again after, as cintui's
    links are (models.deferred_fk), for whatever runs next in the same transaction."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET CONSTRAINTS ALL IMMEDIATE")
        conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")


def upgrade() -> None:
    with op.batch_alter_table("direct_payment") as batch:
        batch.alter_column("amount_pence", existing_type=sa.Integer(), nullable=True)
    _move_old_records(op.get_bind())
    _check_links_now(op.get_bind())
    op.drop_table("direct_payment_review")
    with op.batch_alter_table("child") as batch:
        batch.drop_column("last_direct_payment_review")
        batch.drop_column("direct_payments_started")


def downgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("child") as batch:
        batch.add_column(sa.Column("direct_payments_started", sa.Date(), nullable=True))
        batch.add_column(sa.Column("last_direct_payment_review", sa.Date(), nullable=True))
    op.create_table(
        "direct_payment_review",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("child_id", sa.Uuid(),
                  sa.ForeignKey("child.id", deferrable=True, initially="DEFERRED"),
                  nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewed_by", sa.String(200), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
    )
    op.create_index("ix_direct_payment_review_child_id", "direct_payment_review", ["child_id"])
    # The payments the old record could hold: those with no amount (moved by the upgrade).
    moved = conn.execute(sa.select(_payment.c.id, _payment.c.child_id, _payment.c.started_on)
                         .where(_payment.c.amount_pence.is_(None))).all()
    now = datetime.now(UTC)
    for payment_id, child_id, started in moved:
        held = conn.execute(sa.select(_review).where(_review.c.direct_payment_id == payment_id)
                            .order_by(_review.c.reviewed_on)).all()
        kept = [r for r in held if r.notes != REVIEW_NOTE]
        if kept:
            conn.execute(_old_review.insert(), [
                {"id": uuid.uuid4(), "created_at": now, "updated_at": now,
                 "child_id": child_id, "reviewed_on": r.reviewed_on,
                 "reviewed_by": r.reviewed_by, "notes": r.notes} for r in kept])
        conn.execute(_child.update().where(_child.c.id == child_id).values(
            direct_payments_started=started,
            last_direct_payment_review=held[-1].reviewed_on if held else None))
        conn.execute(_review.delete().where(_review.c.direct_payment_id == payment_id))
        conn.execute(_payment.delete().where(_payment.c.id == payment_id))
    _check_links_now(conn)
    with op.batch_alter_table("direct_payment") as batch:
        batch.alter_column("amount_pence", existing_type=sa.Integer(), nullable=False)

