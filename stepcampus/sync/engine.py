"""One sync of one profile: send its queued statements, fetch what other computers recorded,
merge it, exchange bookmarks and the resume point and, with a campus server, send the questions
asked here and fetch their answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from stepcampus.store.database import SessionFactory, write_session
from stepcampus.store.models import utcnow
from stepcampus.sync import accounts
from stepcampus.sync.accounts import SyncLink
from stepcampus.sync.errors import SyncError
from stepcampus.sync.lrs import TOKEN_PREFIX, LrsClient
from stepcampus.sync.merge import MergeResult, merge_page, page_cursor
from stepcampus.sync.push import account_agent, push_outbox, queued_count
from stepcampus.sync.retry import RetryPolicy
from stepcampus.sync.state import courses_of, sync_state
from stepcampus.tasks import Task
from stepcampus.webinar import questions

QUESTION_BATCH = 100  # the campus server's limit per request

__all__ = ["SyncReport", "queued_count", "sync_profile"]


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word[:-1] if word.endswith('s') else word}"
    return f"{n} {word}"


@dataclass
class SyncReport:
    sent: int = 0
    received: int = 0
    state_sent: int = 0
    state_received: int = 0
    queued: int = 0
    merged: dict[str, int] = field(default_factory=dict)
    questions_sent: int = 0
    answers_received: int = 0
    # Questions kept queued because the endpoint is an LRS without the campus questions API.
    questions_waiting: int = 0

    def lines(self) -> list[str]:
        """What `stepcampus sync` prints, one fact per line."""
        out = [f"sent {_plural(self.sent, 'statements')}",
               f"received {_plural(self.received, 'statements')} from other computers"]
        if self.state_sent or self.state_received:
            out.append(f"bookmarks and resume points: sent {self.state_sent}, received "
                       f"{self.state_received}")
        if any(self.merged.values()):
            out.append("updated here: " + ", ".join(
                _plural(n, kind) for kind, n in sorted(self.merged.items()) if n))
        if self.queued:
            out.append(f"{_plural(self.queued, 'statements')} still queued")
        if self.questions_sent:
            out.append(f"sent {_plural(self.questions_sent, 'questions')}")
        if self.answers_received:
            out.append(f"received {_plural(self.answers_received, 'answers')}")
        if self.questions_waiting:
            verb = "waits" if self.questions_waiting == 1 else "wait"
            out.append(f"{_plural(self.questions_waiting, 'questions')} {verb} for a campus "
                       "server")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "received": self.received, "state_sent": self.state_sent,
                "state_received": self.state_received, "queued": self.queued,
                "merged": dict(self.merged), "questions_sent": self.questions_sent,
                "answers_received": self.answers_received,
                "questions_waiting": self.questions_waiting}


def sync_profile(factory: SessionFactory, profile_id: str, link: SyncLink,
                 task: Task | None = None, *, batch_size: int = 500,
                 transport: httpx.BaseTransport | None = None,
                 retry: RetryPolicy | None = None) -> SyncReport:
    """Sync one profile with its linked account; SyncError (also kept on the link) if it fails.

    Whatever was acknowledged or merged before a failure stays done; the rest is retried by the
    next sync.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be 1 or more, not {batch_size}")
    task = task or Task()
    try:
        with LrsClient(link.endpoint, link.username, link.secret, retry=retry,
                       transport=transport, task=task) as client:
            report = _sync(factory, client, profile_id, link, task, batch_size)
    except SyncError as exc:
        accounts.record_outcome(factory, profile_id, None, str(exc))
        raise
    accounts.record_outcome(factory, profile_id, utcnow(), None)
    return report


def _sync(factory: SessionFactory, client: LrsClient, profile_id: str, link: SyncLink,
          task: Task, batch_size: int) -> SyncReport:
    report = SyncReport()
    total = queued_count(factory, profile_id)
    task.report(0, total, "contacting the server")
    about = client.about()
    home_page = about.home_page or link.home_page or client.endpoint
    if home_page != link.home_page:
        accounts.set_home_page(factory, profile_id, home_page)
    if about.home_page and not client.uses_token:
        # A campus server: keep a revocable token on this shared desktop, not the password.
        accounts.replace_secret(factory, profile_id, TOKEN_PREFIX + client.issue_token())

    def sent_so_far(n: int) -> None:
        task.report(n, total, f"sent {n} of {total} statements")

    report.sent = push_outbox(factory, client, profile_id, home_page,
                              compress=about.gzip_requests, batch_size=batch_size,
                              progress=sent_so_far)
    agent = account_agent(home_page, client.username)
    task.report(report.sent, total, "fetching progress made on other computers")
    merged = _pull(factory, client, profile_id, agent, task)
    report.received = merged.received
    task.report(report.sent, total, "exchanging bookmarks and resume points")
    state = sync_state(factory, client, profile_id, agent, courses_of(factory, profile_id))
    report.state_sent, report.state_received = state.sent, state.received
    if state.bookmarks:
        merged.merged["bookmarks"] += state.bookmarks
    report.merged = dict(merged.merged)
    report.queued = queued_count(factory, profile_id)
    # Last: statements and state are already safe whatever happens to the questions.
    task.report(total, total, "sending questions and fetching answers")
    if about.home_page is None:
        report.questions_waiting = questions.unsent_count(factory, profile_id)
    else:
        _exchange_questions(factory, client, profile_id, about.gzip_requests, report)
    task.report(total, total, "synced")
    return report


def _exchange_questions(factory: SessionFactory, client: LrsClient, profile_id: str,
                        compress: bool, report: SyncReport) -> None:
    """Send the unsent questions in batches, then merge the account's answers.

    A question is marked sent only once the server accepted it; a batch sent again after a lost
    acknowledgement carries the same ids, which the server stores once.
    """
    while True:
        batch = questions.unsent_questions(factory, profile_id, limit=QUESTION_BATCH)
        if not batch:
            break
        ids = [q.id for q in batch]
        accepted = client.post_questions([questions.wire_form(q) for q in batch],
                                         compress=compress)
        if accepted is None:  # a campus server from before questions: keep them for later
            report.questions_waiting = questions.unsent_count(factory, profile_id)
            return
        if set(accepted) != set(ids):
            raise SyncError("server", f"the server at {client.endpoint} acknowledged other "
                            "questions than those sent; they stay queued")
        report.questions_sent += questions.mark_sent(factory, ids)
    listed = client.questions()
    if listed is not None:
        report.answers_received = questions.merge_answers(factory, profile_id, listed)


def _pull(factory: SessionFactory, client: LrsClient, profile_id: str, agent: dict[str, Any],
          task: Task) -> MergeResult:
    """Merge page by page (idempotent), moving the cursor once the last page is in."""
    result = MergeResult()
    since = accounts.pull_cursor(factory, profile_id)
    cursor = since
    for page in client.statements(agent, since):
        task.check()
        cursor = page_cursor(page.statements, page.consistent_through, cursor)
        with write_session(factory) as session:
            merge_page(session, profile_id, page.statements, None, result)
    if cursor != since:
        with write_session(factory) as session:
            merge_page(session, profile_id, [], cursor, result)
    return result
