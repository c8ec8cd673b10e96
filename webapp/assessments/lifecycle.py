"""Workflow effects that act on an episode's forms (form storage lands next)."""

from __future__ import annotations


def run(firing, context) -> None:
    raise NotImplementedError(f"form effect for {firing.trigger} is not built yet")
