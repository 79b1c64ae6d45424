"""Campaign profiles: what one operation is known to favour, kept out of the general rules.

A profile is a TOML file under ``clonewatch/data/profiles/`` (``--profile NAME``): the suffixes the
operation registered under, the words it glued to brand labels and the countries it targeted. With
a profile, ``match`` treats its suffixes as suspect and its words as affixes, and ``generate`` puts
its suffixes, countries and words first. Without one, only general sources count.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from clonewatch.errors import InputError

PROFILES_DIR = "profiles"


@dataclass(frozen=True, slots=True)
class Profile:
    """One operation's habits: suffixes, affix words and targeted countries, likeliest first."""

    name: str
    description: str
    suffixes: tuple[str, ...]
    affix_words: tuple[str, ...]
    countries: tuple[str, ...]


def profile_names() -> list[str]:
    """The bundled profiles, by name."""
    folder = resources.files("clonewatch.data").joinpath(PROFILES_DIR)
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


@cache
def load_profile(name: str) -> Profile:
    """The bundled profile ``name``; InputError naming the known ones when there is none."""
    known = profile_names()
    if name not in known:
        raise InputError(f"unknown profile {name!r} (known: {', '.join(known)})")
    text = resources.files("clonewatch.data").joinpath(PROFILES_DIR, f"{name}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return Profile(
        name=str(data["name"]),
        description=str(data.get("description", "")),
        suffixes=tuple(str(s) for s in data.get("suffixes", [])),
        affix_words=tuple(str(w) for w in data.get("affix_words", [])),
        countries=tuple(str(c) for c in data.get("countries", [])),
    )
