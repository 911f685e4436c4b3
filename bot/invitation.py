"""Sending the invitation card to an expert: the farmer's photos, voice notes, videos and location
first, then the card itself (render.invitation). Pushed when a reviewer approves (bot.notifier), and
shown again to an expert who binds after the invitation was approved (dialogs.binding)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from aiogram import Bot
from aiogram.types import InputMediaPhoto
from aiogram.types.media_union import MediaUnion

from bot.outbound import deliver_or_defer
from core import reference, threads
from render.attachments import split
from render.i18n import Translator
from render.invitation import invitation_buttons, invitation_text
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
    text = invitation_text(t, request, name, county, now)
    buttons = invitation_buttons(t, request.id)
    sent = await deliver_or_defer(
        lambda: bot.send_message(chat_id, text, reply_markup=buttons),
        what=f"invitation for request {request.id}",
    )
    if sent is not None:  # a reply to the card belongs to its request
        await threads.link_messages(uow, chat_id, [sent.message_id], request.id)
