"""The workshop's agenda and what the projector shows per block: plain functions on the
stored workshop and its guess counts, shared by the presenter view, the phones and the PDFs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports.gaps import META_ERROR

from ..store import questionnaire as qn
from ..store.sides import SIDES, other
from .store import Workshop

# Minutes per block. The dimensions share what is left of the time, so a 2-hour workshop
# with three dimensions gives each 20 minutes: guess, reveal, clarifying questions, discuss.
FIXED_BLOCKS = {
    "2h": [("welcome", 10), ("dimensions", 60), ("agreements", 30), ("vote", 10), ("close", 10)],
    "half-day": [
        ("welcome", 15),
        ("dimensions", 90),
        ("break", 15),
        ("rooms", 35),
        ("needs", 30),
        ("agreements", 35),
        ("vote", 10),
        ("close", 10),
    ],
}
QUESTIONS_PER_DIMENSION = 3


@dataclass(frozen=True)
class Block:
    kind: str  # welcome, dimension, break, rooms, needs, agreements, vote, close
    minutes: int
    start: int  # minutes from the start of the workshop
    dimension: str | None = None


def build_agenda(variant: str, dimensions: list[str]) -> list[Block]:
    """The blocks of the 2-hour or half-day agenda, one block per chosen dimension."""
    blocks: list[Block] = []
    start = 0
    for kind, minutes in FIXED_BLOCKS[variant]:
        if kind == "dimensions":
            each, extra = divmod(minutes, len(dimensions))
            for index, dimension in enumerate(dimensions):
                length = each + (1 if index < extra else 0)
                blocks.append(Block("dimension", length, start, dimension))
                start += length
        else:
            blocks.append(Block(kind, minutes, start))
            start += minutes
    return blocks


def agenda_of(workshop: Workshop) -> list[Block]:
    return build_agenda(workshop.variant, workshop.dimensions)


def current_block(workshop: Workshop) -> Block:
    blocks = agenda_of(workshop)
    return blocks[min(workshop.step, len(blocks) - 1)]


def dimension_name(workshop: Workshop, dimension: str, lang: str) -> str:
    names = workshop.figures["dimensions"][dimension]["names"]
    return names.get(lang) or next(iter(names.values()))


def guessed(counts: dict[str, dict[str, list[int]]], dimension: str) -> dict[str, int]:
    """How many of each side have guessed: all the projector shows before the reveal."""
    sides = counts.get(dimension, {})
    return {side: sum(sides.get(side, [0] * 5)) for side in SIDES}


# Why a side's guesses are held back at the reveal; templates/workshop/_chart.html says
# each in words.
HELD_NONE = "none"  # nobody of the side guessed
HELD_FEW = "few"  # fewer than the round's threshold
HELD_NOT_COUNTED = "not_counted"  # the facilitator has not counted the side in the room
HELD_MORE_THAN_ROOM = "more_than_room"  # more guesses than people of the side in the room


def held_back(workshop: Workshop, side: str, guessed: int) -> str | None:
    """None when the side's guesses may be shown, else why not."""
    in_room = workshop.in_room.get(side)
    if guessed == 0:
        return HELD_NONE
    if guessed < workshop.threshold:
        return HELD_FEW
    if in_room is None:
        return HELD_NOT_COUNTED
    if guessed > in_room:
        return HELD_MORE_THAN_ROOM
    return None


def side_view(
    workshop: Workshop, counts: dict[str, dict[str, list[int]]], dimension: str, side: str
) -> dict[str, Any]:
    """One side's row of the reveal: our guess today, what we predicted in the survey
    (meta), what the other side said of us (their `other` view) and our own view (self).
    Today's guess is held back (`held` says why) unless at least the round's threshold
    of that side guessed and no more than the facilitator counted of that side in the
    room: more guesses than people means someone guessed twice or for others, and a few
    made-up guesses beside one real one would give that one away (W1/W2)."""
    facing = other(side)
    means = workshop.figures["dimensions"][dimension]["means"]
    predicted, actual = META_ERROR.cells(side, facing)  # the perception gap the reveal shows
    values = counts.get(dimension, {}).get(side, [0] * 5)
    n = sum(values)
    held = held_back(workshop, side, n)
    guess = sum((i + 1) * c for i, c in enumerate(values)) / n if held is None else None
    return {
        "side": side,
        "label": workshop.label(side),
        "other_label": workshop.label(facing),
        "guessed": n,
        "in_room": workshop.in_room.get(side),
        "held": held,
        "guess": guess,
        "meta": means.get(predicted),
        "other": means.get(actual),
        "self": means.get(f"{side}.self"),
    }


def discussion_questions(
    workshop: Workshop, questionnaire: qn.Questionnaire, dimension: str, lang: str
) -> list[str]:
    """The questionnaire's discussion questions, with {own} as the side of the dimension's
    clearest finding (side A when nothing is clear there)."""
    side = next(
        (f["gap"][0] for f in workshop.figures["findings"] if f["dimension"] == dimension), SIDES[0]
    )
    texts = questionnaire.dimension(dimension).discussion.get(lang, [])
    return [
        qn.fill(text, workshop.label(side), workshop.label(other(side)))
        for text in texts[:QUESTIONS_PER_DIMENSION]
    ]


def dimension_view(
    workshop: Workshop,
    counts: dict[str, dict[str, list[int]]],
    questionnaire: qn.Questionnaire,
    dimension: str,
    lang: str,
) -> dict[str, Any]:
    """Everything one dimension's slide shows; figures only once it is revealed."""
    revealed = dimension in workshop.revealed
    return {
        "id": dimension,
        "name": dimension_name(workshop, dimension, lang),
        "revealed": revealed,
        "guessed": guessed(counts, dimension),
        "sides": [side_view(workshop, counts, dimension, s) for s in SIDES] if revealed else [],
        "questions": discussion_questions(workshop, questionnaire, dimension, lang),
    }


def state(workshop: Workshop, counts: dict[str, dict[str, list[int]]], dots: dict[str, int]):
    """The small JSON the projector and phones poll: never a value before the reveal."""
    block = current_block(workshop)
    return {
        "step": workshop.step,
        "revealed": workshop.revealed,
        "dimension": block.dimension,
        "guessed": guessed(counts, block.dimension) if block.dimension else None,
        "dots": dots,
    }
