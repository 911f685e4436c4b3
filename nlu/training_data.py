"""Reads the Rasa project's training YAML: the single source of truth for both engines."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

RASA_PROJECT_DIR = Path(__file__).resolve().parent / "rasa"
TRAINING_DATA_DIR = RASA_PROJECT_DIR / "data"

# Rasa entity markup: [text](entity) or [text]{"entity": "...", "value": "..."}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<entity>[^)]+)\)|(?P<json>\{[^}]+\}))")


@dataclass(frozen=True, slots=True)
class AnnotatedEntity:
    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    entities: tuple[AnnotatedEntity, ...] = ()


@dataclass(slots=True)
class TrainingData:
    examples: list[Example] = field(default_factory=list)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    synonyms: dict[str, str] = field(default_factory=dict)  # variant → canonical value
    regexes: dict[str, list[str]] = field(default_factory=dict)


def parse_markup(marked: str) -> tuple[str, tuple[AnnotatedEntity, ...]]:
    """Strip Rasa entity markup, returning the plain text and the entities with spans into it."""
    plain: list[str] = []
    entities: list[AnnotatedEntity] = []
    cursor = 0
    length = 0
    for match in _ANNOTATION.finditer(marked):
        before = marked[cursor : match.start()]
        plain.append(before)
        length += len(before)
        text = match["text"]
        if match["json"]:
            spec: dict[str, Any] = json.loads(match["json"])
            entity, value = str(spec["entity"]), str(spec.get("value", text))
        else:
            entity, value = str(match["entity"]), text
        entities.append(AnnotatedEntity(entity, value, length, length + len(text)))
        plain.append(text)
        length += len(text)
        cursor = match.end()
    plain.append(marked[cursor:])
    return "".join(plain), tuple(entities)


def _items(block: str) -> list[str]:
    return [line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")]


def training_files(data_dir: Path = TRAINING_DATA_DIR) -> list[Path]:
    return sorted(p for p in data_dir.rglob("*.yml") if p.is_file())


def _nlu_items(path: Path) -> list[dict[str, Any]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(document.get("nlu", []))


def read_synonyms(path: Path) -> dict[str, str]:
    """variant → canonical value, from one training file."""
    return {
        variant: item["synonym"]
        for item in _nlu_items(path)
        if "synonym" in item
        for variant in _items(item.get("examples", ""))
    }


def load_training_data(data_dir: Path = TRAINING_DATA_DIR) -> TrainingData:
    data = TrainingData()
    for path in training_files(data_dir):
        for item in _nlu_items(path):
            items = _items(item.get("examples", ""))
            if "intent" in item:
                for marked in items:
                    text, entities = parse_markup(marked)
                    data.examples.append(Example(text, item["intent"], entities))
            elif "lookup" in item:
                data.lookups.setdefault(item["lookup"], []).extend(items)
            elif "synonym" in item:
                for variant in items:
                    data.synonyms[variant] = item["synonym"]
            elif "regex" in item:
                data.regexes.setdefault(item["regex"], []).extend(items)
    return data


def fingerprint(paths: list[Path], salt: str = "") -> str:
    """A short content hash of files, so caches and trained models follow the data they came from."""
    digest = hashlib.sha256(salt.encode())
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
