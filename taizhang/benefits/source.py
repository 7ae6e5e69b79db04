"""The source document of the benefits: the Ganzhou notice shipped with taizhang, parsed once."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from taizhang.policy.parse import parse_text
from taizhang.rules.citation import SourceDocument

SEED = "ganzhou-2020-liuwen-liubao.txt"


@lru_cache(maxsize=1)
def seed_document() -> SourceDocument:
    text = resources.files("taizhang.examples").joinpath(SEED).read_text("utf-8")
    return SourceDocument.from_policy(parse_text(text, name=SEED))
