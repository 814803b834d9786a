"""Bounds far above any real project (DESIGN.md, "Bounded"): past one, discovery stops,
says which in one line, and nothing is exported for the project, so a hostile tree cannot
hold the prompt. Discovery is linear in what it reads up to them."""

from __future__ import annotations

MAX_INDEXES = 1000  # index entries in all the files read for one project

MAX_MEMBERS = 1000  # workspace members

MAX_LISTINGS = 10_000  # directories listed to match member globs

BOUNDS = {
    "MAX_INDEXES": (MAX_INDEXES, "index entries"),
    "MAX_MEMBERS": (MAX_MEMBERS, "workspace members"),
    "MAX_LISTINGS": (MAX_LISTINGS, "directories listed for member globs"),
}
