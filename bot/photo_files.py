"""Farmers' photos for the back office, fetched with the bot's own token (getFile, then download).

The admin API has no Telegram client of its own: the composition root that has a bot (jingfu run,
jingfu shell, jingfu admin serve with TELEGRAM_BOT_TOKEN) hands it this adapter
(`AdminServices.photos`); without a token there is none and the API says so (503).
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramServerError
from aiohttp import ClientError, ClientResponseError


class BotPhotos:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def fetch(self, file_id: str) -> bytes:
        try:
            file = await self._bot.get_file(file_id)
            if file.file_path is None:  # Telegram keeps no file larger than it serves (20 MB)
                raise LookupError(f"Telegram serves no download for file {file_id}")
            downloaded = await self._bot.download_file(file.file_path)
        except TelegramBadRequest as exc:  # "wrong file_id", "file is too big", expired
            raise LookupError(exc.message) from None
        except (TelegramNetworkError, TelegramServerError) as exc:
            raise ConnectionError(exc.message) from None
        except ClientResponseError as exc:  # the download itself: the link expired, or Telegram failed
            if exc.status == 404:
                raise LookupError(f"Telegram no longer has file {file_id}") from None
            raise ConnectionError(f"Telegram answered the download {exc.status}") from None
        except (ClientError, TimeoutError) as exc:
            raise ConnectionError(f"the download from Telegram failed: {exc!r}") from None
        assert downloaded is not None  # no destination given: aiogram returns the bytes in a BytesIO
        return downloaded.read()
