"""A StrEnum whose members carry the title the pages show beside their stored value."""

from enum import StrEnum
from typing import Self


class TitledEnum(StrEnum):
    """Members are declared `NAME = "stored_value", "Title shown on pages"`: the value alone is
    stored and looked up (`Kind("stored_value")`), the title is `member.title`."""

    title: str  # type: ignore[assignment]  # the member's title, not str.title()

    def __new__(cls, value: str, title: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.title = title
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, title) of every member, in order: the choices of a select or radios."""
        return [(member.value, member.title) for member in cls]
