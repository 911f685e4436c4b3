"""Composes the templated part of the Rasa training data from nlu/rasa/templates/.

The templates are how the team writes many varied examples at once; the YAML this writes is
committed and is what both engines train on. Run ``python -m nlu.training_compose`` after editing
a template, then commit the templates and the YAML together.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from nlu.embedded.gazetteer import Gazetteer
from nlu.lexicon import CUE_LOOKUP_PREFIX, ENTITY_OF_LOOKUP
from nlu.taxonomy import specialty_intent
from nlu.training_data import RASA_PROJECT_DIR, read_synonyms

TEMPLATES_DIR = RASA_PROJECT_DIR / "templates"
DATA_DIR = RASA_PROJECT_DIR / "data"
EXAMPLES_PER_SPECIALTY = 260
# Plant protection and veterinary problems are what farmers ask most, and each has a whole
# coarse group to itself, so they get more examples than one of the six cultivation specialties.
EXAMPLES_FOR = {"plant_protection": 620, "veterinary": 540, "animal_husbandry": 420}
SEED = 20240604

_SLOT = re.compile(r"\{(\w+)\}")
_YAML_HEADER = (
    'version: "3.1"\n'
    "# Written by nlu/training_compose.py from nlu/rasa/templates/ — edit those, not this.\n"
    "nlu:\n"
)

# Farmers open and close messages in a few habitual ways; the templates hold the substance.
_OPENINGS = (
    "",
    "",
    "",
    "",
    "请问",
    "请问一下，",
    "老师，",
    "专家你好，",
    "你好，",
    "我家",
    "俺家",
    "咨询一下，",
)
_CLOSINGS = ("", "", "", "？", "?", "啊", "呢", "，急", "，谢谢", "，在线等", "。", "！")


# English (issue 19): fewer examples than Chinese, but every specialty; problems farmers ask most get more.
ENGLISH_EXAMPLES_FOR = {
    "crop_cultivation": 140,
    "horticulture": 120,
    "soil_fertilizer": 70,
    "water_irrigation": 60,
    "agri_machinery": 40,
    "processing_marketing": 60,
    "plant_protection": 320,
    "animal_husbandry": 220,
    "grassland_forage": 50,
    "aquaculture": 50,
    "veterinary": 320,
}
ENGLISH_OUT_OF_SCOPE_VARIANTS = 2  # each hand-written line, plain and with an opening or a closing
MISSPELT_SHARE = 0.25  # of the English examples, one ordinary word typed wrong, as farmers do
_EN_OPENINGS = (
    "",
    "",
    "",
    "",
    "",
    "hi, ",
    "hello ",
    "please help, ",
    "sir, ",
    "dear expert, ",
    "good day, ",
    "excuse me ",
)
_EN_CLOSINGS = ("", "", "", "", "?", "??", " please", " thanks", ", urgent", " help me", "!", ".")
_EN_WORD = re.compile(r"[a-z]{4,}")


@dataclass(frozen=True, slots=True)
class Slot:
    terms: tuple[str, ...]
    entity: str | None


def read_sections(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return sections


# Farmers name a stage by what is happening now: "刚坐果", "正开花", "刚抽穗". Each stage of the
# lexicon written "…期" (坐果期) also names the stage in these words, so a stage added to the lexicon
# is read in them too.
STAGE_NOW: Final = ("刚", "正在", "正")


def stage_phrasings(stages: list[str]) -> list[str]:
    stems = [stage[:-1] for stage in stages if stage.endswith("期") and len(stage) >= 3]
    return [f"{now}{stem}" for stem in stems for now in STAGE_NOW]


def read_lexicon() -> dict[str, list[str]]:
    """Each term in exactly one lookup: the first section that names it keeps it."""
    seen: set[str] = set()
    lookups: dict[str, list[str]] = {}
    for name, lines in read_sections(TEMPLATES_DIR / "lexicon.txt").items():
        terms = [t for line in lines for t in line.split()]
        if name == "growth_stage":
            terms += stage_phrasings(terms)
        fresh = [t for t in dict.fromkeys(terms) if t not in seen]
        seen.update(fresh)
        lookups[name] = fresh
    return lookups


def read_slots(lookups: dict[str, list[str]]) -> dict[str, Slot]:
    slots: dict[str, Slot] = {}
    for raw in (TEMPLATES_DIR / "slots.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "*" in line.split(":", 1)[0]:
            head, parts = line.split(":", 1)
            name, entity = (part.strip() for part in head.split("*"))
            left, right = (side.split() for side in parts.split("|"))
            slots[name] = Slot(tuple(a + b for a in left for b in right), entity)
        elif "=" in line:
            name, sources = (part.strip() for part in line.split("=", 1))
            names = [s.strip() for s in sources.split("+")]
            terms = tuple(t for source in names for t in lookups[source])
            slots[name] = Slot(terms, ENTITY_OF_LOOKUP.get(names[0]))
        else:
            name, listed = (part.strip() for part in line.split(":", 1))
            slots[name] = Slot(tuple(listed.split()), _entity_of_terms(listed.split(), lookups))
    return slots


def _entity_of_terms(terms: list[str], lookups: dict[str, list[str]]) -> str | None:
    for lookup, members in lookups.items():
        if terms[0] in members:
            return ENTITY_OF_LOOKUP.get(lookup)
    return None


def _quantity(rng: random.Random, slots: dict[str, Slot], number: str, unit: str) -> str:
    return f"[{rng.choice(slots[number].terms)}{rng.choice(slots[unit].terms)}](quantity)"


def fill(template: str, slots: dict[str, Slot], rng: random.Random) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match[1]
        if name == "land":
            return _quantity(rng, slots, "nland", "lunit")
        if name == "heads":
            return _quantity(rng, slots, "nhead", "hunit")
        slot = slots[name]
        term = rng.choice(slot.terms)
        return f"[{term}]({slot.entity})" if slot.entity else term

    body = _SLOT.sub(replace, template)
    return f"{rng.choice(_OPENINGS)}{body}{rng.choice(_CLOSINGS)}"


def compose_describe(slots: dict[str, Slot], rng: random.Random) -> dict[str, list[str]]:
    composed: dict[str, list[str]] = {}
    taken: set[str] = set()
    for specialty, templates in read_sections(TEMPLATES_DIR / "describe.txt").items():
        examples: list[str] = []
        wanted = EXAMPLES_FOR.get(specialty, EXAMPLES_PER_SPECIALTY)
        for attempt in range(wanted * 20):
            if len(examples) >= wanted:
                break
            # Every template at least once, then at random.
            template = templates[attempt] if attempt < len(templates) else rng.choice(templates)
            example = fill(template, slots, rng)
            if example not in taken:
                taken.add(example)
                examples.append(example)
        composed[specialty_intent(specialty)] = examples
    return composed


def annotate(text: str, lookups: dict[str, list[str]]) -> str:
    """Marks the entity-bearing lexicon terms of a hand-written example, leftmost-longest."""
    entity_of = {
        t: ENTITY_OF_LOOKUP[n] for n, terms in lookups.items() if n in ENTITY_OF_LOOKUP for t in terms
    }
    longest = max(map(len, entity_of), default=0)
    out: list[str] = []
    position = 0
    while position < len(text):
        for end in range(min(len(text), position + longest), position, -1):
            entity = entity_of.get(text[position:end])
            if entity is not None:
                out.append(f"[{text[position:end]}]({entity})")
                position = end
                break
        else:
            out.append(text[position])
            position += 1
    return "".join(out)


def compose_questions(lookups: dict[str, list[str]]) -> dict[str, list[str]]:
    """The hand-written question-style examples of questions.txt, annotated; out_of_scope stays plain."""
    composed: dict[str, list[str]] = {}
    for name, lines in read_sections(TEMPLATES_DIR / "questions.txt").items():
        if name == "out_of_scope":
            composed[name] = list(dict.fromkeys(lines))
        else:
            composed[specialty_intent(name)] = list(dict.fromkeys(annotate(t, lookups) for t in lines))
    return composed


def _misspell(text: str, rng: random.Random) -> str:
    """One word of four letters or more typed wrong: two letters swapped or one dropped."""
    words = list(_EN_WORD.finditer(text))
    if not words:
        return text
    word = rng.choice(words)
    at = rng.randrange(1, len(word[0]) - 1)
    letters = list(word[0])
    if rng.random() < 0.5:
        letters[at], letters[at + 1] = letters[at + 1], letters[at]
    else:
        del letters[at]
    return text[: word.start()] + "".join(letters) + text[word.end() :]


def _mark_english(
    text: str, gazetteer: Gazetteer, canonical: dict[str, str], entity_of: dict[str, str]
) -> str:
    """Marks the English names as entities with their Chinese canonical value: [sheep]{"entity"…"羊"}."""
    out, cursor = [], 0
    for match in gazetteer.find(text):
        value = canonical[match.term]
        out.append(text[cursor : match.start])
        out.append(f'[{match.term}]{{"entity": "{entity_of[value]}", "value": "{value}"}}')
        cursor = match.end
    out.append(text[cursor:])
    return "".join(out)


def compose_english(lookups: dict[str, list[str]], rng: random.Random) -> dict[str, list[str]]:
    """English problems per specialty from english.txt's templates, and its out-of-scope lines."""
    sections = read_sections(TEMPLATES_DIR / "english.txt")
    slots = {
        name.strip(): [t.strip() for t in terms.split(",") if t.strip()]
        for name, terms in (line.split(":", 1) for line in sections.pop("slots"))
    }
    entity_of = {
        t: ENTITY_OF_LOOKUP[n] for n, terms in lookups.items() if n in ENTITY_OF_LOOKUP for t in terms
    }
    canonical = {
        variant.lower(): value
        for variant, value in read_synonyms(DATA_DIR / "synonyms.yml").items()
        if variant.isascii() and value in entity_of
    }
    gazetteer = Gazetteer({"english": list(canonical)})

    def finish(text: str) -> str:
        # Typos only outside the names, so every name stays an entity the gazetteer finds.
        pieces, cursor = [], 0
        for match in gazetteer.find(text):
            pieces += [text[cursor : match.start], match.term]
            cursor = match.end
        pieces.append(text[cursor:])
        if rng.random() < MISSPELT_SHARE:
            plain = [i for i in range(0, len(pieces), 2) if _EN_WORD.search(pieces[i])]
            if plain:
                at = rng.choice(plain)
                pieces[at] = _misspell(pieces[at], rng)
        text = "".join(pieces)
        return _mark_english(
            f"{rng.choice(_EN_OPENINGS)}{text}{rng.choice(_EN_CLOSINGS)}", gazetteer, canonical, entity_of
        )

    composed: dict[str, list[str]] = {}
    for name, templates in sections.items():
        if name == "out_of_scope":
            variants = [line for line in templates]
            for _ in range(ENGLISH_OUT_OF_SCOPE_VARIANTS - 1):
                variants += [finish(line) for line in templates]
            composed[name] = list(dict.fromkeys(variants))
            continue
        examples: dict[str, None] = {}
        wanted = ENGLISH_EXAMPLES_FOR[name]
        for attempt in range(wanted * 20):
            if len(examples) >= wanted:
                break
            template = templates[attempt] if attempt < len(templates) else rng.choice(templates)
            filled = _SLOT.sub(lambda m: rng.choice(slots[m[1]]), template)
            examples.setdefault(finish(filled))
        composed[specialty_intent(name)] = list(examples)
    return composed


def _yaml_block(kind: str, name: str, items: list[str]) -> str:
    lines = "".join(f"    - {item}\n" for item in items)
    return f"- {kind}: {name}\n  examples: |\n{lines}"


def write_yaml(path: Path, kind: str, sections: dict[str, list[str]]) -> None:
    body = "".join(_yaml_block(kind, name, items) for name, items in sections.items())
    path.write_text(_YAML_HEADER + body, encoding="utf-8")


def main() -> None:
    rng = random.Random(SEED)
    lookups = read_lexicon()
    lookup_dir = DATA_DIR / "lookups"
    lookup_dir.mkdir(parents=True, exist_ok=True)
    for stale in lookup_dir.glob("*.yml"):
        stale.unlink()
    for name, terms in lookups.items():
        write_yaml(lookup_dir / f"{name}.yml", "lookup", {name: terms})
    slots = read_slots(lookups)
    write_yaml(DATA_DIR / "nlu" / "describe_composed.yml", "intent", compose_describe(slots, rng))
    write_yaml(DATA_DIR / "nlu" / "describe_questions.yml", "intent", compose_questions(lookups))
    write_yaml(DATA_DIR / "nlu" / "describe_english.yml", "intent", compose_english(lookups, rng))
    write_yaml(DATA_DIR / "nlu" / "intents.yml", "intent", read_sections(TEMPLATES_DIR / "intents.txt"))
    cue_count = sum(1 for name in lookups if name.startswith(CUE_LOOKUP_PREFIX))
    print(f"wrote {len(lookups)} lookups ({cue_count} cue lists) and the composed examples under {DATA_DIR}")


if __name__ == "__main__":
    main()
