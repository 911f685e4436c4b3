"""Every user-facing string, by key, in zh_CN (default) and en; parameters are HTML-escaped.

Catalogs are YAML files in render/locales. Parameters passed to a translator are escaped unless wrapped
in `Safe`, so text a user typed can never inject markup into an HTML reply.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from aiogram.types import User

DEFAULT_LOCALE = "zh_CN"
LOCALES = ("zh_CN", "en")


class Safe(str):
    """Already-rendered HTML (built from the catalog and escaped parameters): not escaped again."""


def _escape(value: Any) -> Any:
    if isinstance(value, Safe):
        return value
    if isinstance(value, str):
        return html.escape(value, quote=False)
    return value


class Catalog:
    def __init__(self, messages: dict[str, dict[str, str]]) -> None:
        self.messages = messages
        self._variants: dict[str, frozenset[str]] = {}
        self._variants_under: dict[str, frozenset[str]] = {}

    @classmethod
    def load(cls) -> Catalog:
        folder = resources.files("render.locales")
        return cls(
            {
                locale: yaml.safe_load(folder.joinpath(f"{locale}.yaml").read_text("utf-8"))
                for locale in LOCALES
            }
        )

    def translator(self, locale: str | None) -> Translator:
        return Translator(self, locale if locale in LOCALES else DEFAULT_LOCALE)

    def for_telegram_user(self, user: User | None) -> Translator:
        """For a person the bot knows nothing of yet (a group, an error before the context): English
        when their Telegram is in English, the default otherwise."""
        return self.translator("en" if user is not None and user.language_code == "en" else None)

    def all_variants(self, key: str) -> frozenset[str]:
        """A key's text in every locale: a menu button pressed in either language means the same.

        Kept once computed: the menu filters ask for it on every message the bot receives."""
        variants = self._variants.get(key)
        if variants is None:
            variants = self._variants[key] = frozenset(self.messages[locale][key] for locale in LOCALES)
        return variants

    def all_variants_under(self, prefix: str) -> frozenset[str]:
        """The texts of every key starting with `prefix`, in every locale (all the menu's buttons:
        "menu."). Kept once computed, like all_variants."""
        variants = self._variants_under.get(prefix)
        if variants is None:
            variants = self._variants_under[prefix] = frozenset(
                text
                for locale in LOCALES
                for key, text in self.messages[locale].items()
                if key.startswith(prefix)
            )
        return variants


@dataclass(frozen=True)
class Translator:
    catalog: Catalog
    locale: str

    def __call__(self, key: str, **params: Any) -> Safe:
        template = self.catalog.messages[self.locale].get(key) or self.catalog.messages[DEFAULT_LOCALE][key]
        return Safe(template.format(**{name: _escape(value) for name, value in params.items()}))

    @property
    def short(self) -> str:
        return "zh" if self.locale.startswith("zh") else "en"
