"""The invitation card an expert answers: the farmer's photos, voice notes and location, the problem
summary, the county, the mode with its fee and the deadline, with Accept / Decline. Pushed when a
reviewer approves, and shown again to an expert who binds after the invitation was approved."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from aiogram.types.media_union import MediaUnion

from bot.i18n import Translator
from bot.outbound import deliver_or_defer
from core import reference, threads
from dialogs.attachments import split
from dialogs.callbacks import InviteCb
from dialogs.common import local_time, request_summary, yuan
from storage.enums import RequestStatus
from storage.models import ServiceRequest
from storage.uow import UnitOfWork

ALBUM_SIZE = 10  # Telegram's most photos in one album


async def send_invitation(
    bot: Bot, uow: UnitOfWork, t: Translator, request: ServiceRequest, chat_id: int, now: datetime
) -> None:
    items = [split(item) for item in request.photo_file_ids]
    photos = [file_id for kind, file_id in items if kind == "photo"]
    # An album holds 2 to 10 photos: more go in further albums, and a last one alone as a photo
    # (the expert judges from all of them, not the first ten).
    for start in range(0, len(photos), ALBUM_SIZE):
        album = photos[start : start + ALBUM_SIZE]
        if len(album) > 1:
            media: list[MediaUnion] = [InputMediaPhoto(media=p) for p in album]
            await deliver_or_defer(partial(bot.send_media_group, chat_id, media), what="invitation photos")
        else:
            await deliver_or_defer(partial(bot.send_photo, chat_id, album[0]), what="invitation photo")
    for kind, file_id in items:
        if kind == "voice":
            await deliver_or_defer(partial(bot.send_voice, chat_id, file_id), what="invitation voice")
        elif kind == "video":
            await deliver_or_defer(partial(bot.send_video, chat_id, file_id), what="invitation video")
        elif kind == "videonote":
            await deliver_or_defer(partial(bot.send_video_note, chat_id, file_id), what="invitation video")
    if request.latitude is not None and request.longitude is not None:
        # The summary only says a location was given; an expert deciding on an on-site visit needs
        # to see where the farm is.
        lat, lon = request.latitude, request.longitude
        await deliver_or_defer(lambda: bot.send_location(chat_id, lat, lon), what="invitation location")
    name = await reference.specialty_name(uow, request.specialty_code, t.short)
    county = await reference.county_name(uow, request.county_id)
    deadline = local_time(t, request.invitation_expires_at, now) if request.invitation_expires_at else ""
    text = "\n".join(
        [
            t("invite.title", id=request.id, county=county),
            request_summary(t, request, name),
            t(
                "invite.mode",
                mode=t(f"mode.{request.service_mode}"),
                fee=yuan(request.fee_fen),
                deadline=deadline,
            ),
        ]
    )
    buttons = invitation_buttons(t, request.id)
    sent = await deliver_or_defer(
        lambda: bot.send_message(chat_id, text, reply_markup=buttons),
        what=f"invitation for request {request.id}",
    )
    if sent is not None:  # a reply to the card belongs to its request
        await threads.link_messages(uow, chat_id, [sent.message_id], request.id)


def invitation_buttons(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("invite.accept"),
                    callback_data=InviteCb(request_id=request_id, action="accept").pack(),
                ),
                InlineKeyboardButton(
                    text=t("invite.decline"),
                    callback_data=InviteCb(request_id=request_id, action="decline").pack(),
                ),
            ]
        ]
    )


async def why_not_open(uow: UnitOfWork, t: Translator, request_id: int, expert_id: int) -> str:
    """An old card pressed again: "expired" would alarm an expert who already took the request."""
    status = await threads.status_for_expert(uow, request_id, expert_id)
    if status is RequestStatus.in_service:
        return t("invite.already_accepted", id=request_id)
    if status in (RequestStatus.completed, RequestStatus.settled):
        return t("invite.already_completed", id=request_id)
    return t("invite.no_longer_open")
