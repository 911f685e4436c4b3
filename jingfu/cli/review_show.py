"""`jingfu review show ID`: everything a reviewer weighs about one request, in a terminal.

The same use case as the API's `GET /api/v1/requests/{id}` (core.request_detail): the farmer's whole
text with screening's hits, what the NLU read, the expert, the service object and its voucher, the
claim, the timeline, the thread and the reviewers' notes. Everything a person typed is escaped
(render.terminal_text.one_line), line by line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jingfu.cli.words import catalog_name, local_time, say
from render.terminal_text import one_line

if TYPE_CHECKING:
    from core.request_detail import RequestDetail


def _yuan(fen: int | None) -> str:
    return "—" if fen is None else f"¥{fen / 100:.2f}"


def _text(value: object) -> str:
    return one_line(str(value)) if value not in (None, "") else "—"


def _scale(detail: RequestDetail) -> str:
    request = detail.request
    if request.scale_words:
        return one_line(request.scale_words)
    if request.scale_quantity is not None:
        return f"{request.scale_quantity:g}{one_line(request.scale_unit or '')}"
    return "—"


def format_detail(detail: RequestDetail) -> str:
    return "\n".join(_lines(detail))


def _lines(detail: RequestDetail) -> Iterator[str]:
    request = detail.request
    so = detail.service_object
    yield say(
        "show_head", id=request.id, county=_text(detail.county), status=catalog_name("status", request.status)
    )
    township = say("township", township=one_line(so.township)) if so.township else ""
    yield say(
        "show_farmer",
        farmer=_text(detail.farmer),
        so=_text(so.name),
        kind=say(f"kind_{so.kind.value}"),
        township=township,
    )
    if so.voucher is None:
        yield say("show_no_voucher")
    else:
        yield say(
            "show_voucher",
            year=so.voucher.budget_year,
            available=_yuan(so.voucher.available_fen),
            held=_yuan(so.voucher.held_fen),
        )
    yield say("show_text")
    yield from (f"    {one_line(line)}" for line in request.description.splitlines() or [""])
    if detail.marks:
        yield say("show_hits", verdict=_text(detail.screening_verdict))
        for mark in detail.marks:
            yield say(
                "show_hit",
                matched=_text(mark.matched),
                start=_text(mark.start),
                end=_text(mark.end),
                term=_text(mark.term),
                category=_text(mark.category),
                action=_text(mark.action),
            )
    yield say(
        "show_nlu",
        specialty=_text(detail.specialty_name or request.specialty_code),
        subject=_text(request.subject),
        symptoms=_text(request.symptoms),
        stage=_text(request.growth_stage),
        scale=_scale(detail),
    )
    mode = catalog_name("mode", request.service_mode) if request.service_mode else "—"
    yield say("show_mode", mode=mode, fee=_yuan(request.fee_fen), place=_text(request.place))
    expert = detail.expert
    if expert is None:
        yield say("show_no_expert")
    else:
        rating = (
            f"{expert.rating_mean:.1f} ({expert.rating_count})" if expert.rating_mean is not None else "—"
        )
        yield say(
            "show_expert",
            name=_text(expert.name),
            title=_text(expert.title),
            organisation=_text(expert.organisation),
            open=expert.open_requests,
            rating=rating,
        )
    if detail.photo_ids:
        yield say("show_photos", n=len(detail.photo_ids))
    if detail.claim is not None and detail.claim.active:
        yield say(
            "show_claim", name=_text(detail.claim.admin_name), until=local_time(detail.claim.expires_at)
        )
    yield say("show_timeline")
    for event in detail.events:
        reason = say("reason", reason=one_line(event.reason)) if event.reason else ""
        yield say(
            "show_event",
            at=local_time(event.at),
            action=event.action,
            from_status=catalog_name("status", event.from_status) if event.from_status else "—",
            to_status=catalog_name("status", event.to_status),
            reason=reason,
        )
    if detail.thread:
        yield say("show_thread")
        for message in detail.thread:
            yield say(
                "show_message",
                at=local_time(message.at),
                sender=_text(message.sender),
                text=_text(message.text),
            )
    if detail.notes:
        yield say("show_notes")
        for note in detail.notes:
            yield say("show_note", at=local_time(note.at), name=_text(note.admin_name), text=_text(note.text))
