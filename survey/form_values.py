"""The value of a required form field, once its form has validated.

WTForms types `field.data` as Optional because a field missing from the posted form holds
None; DataRequired and InputRequired refuse that form, so a view that has called
`validate_on_submit()` holds a value. `required` says so to the type checker, and fails
loudly should a view ever read a field before validating.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def required(value: T | None) -> T:
    """`value`, which a validated form's required field always holds."""
    if value is None:
        raise ValueError("A required form field was read before its form was validated.")
    return value
