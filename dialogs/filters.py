"""Who a handler is for: routers filter on the identity the context middleware found."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import MagicData

IS_FARMER = MagicData(F.farmer.is_not(None))
IS_EXPERT = MagicData(F.expert.is_not(None))
