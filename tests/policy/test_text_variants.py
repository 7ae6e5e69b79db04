"""The same document written differently parses the same: Traditional characters, full-width forms,
stray spaces, lines hard-wrapped mid-sentence, page headers, footers and page numbers."""

import re
import unicodedata

import opencc
import pytest

from taizhang.policy.parse import parse_text
from taizhang.policy.serialize import policy_to_json

_t2s = opencc.OpenCC("t2s")


def comparable(doc, fold=lambda s: s):
    """The parse without offsets and full texts (they legitimately move), strings folded by `fold`."""
    if isinstance(doc, dict):
        return {k: comparable(v, fold) for k, v in doc.items() if k not in ("span", "text")}
    if isinstance(doc, list):
        return [comparable(v, fold) for v in doc]
    return fold(doc) if isinstance(doc, str) else doc


@pytest.fixture(scope="module")
def reference(seed_text):
    return comparable(policy_to_json(parse_text(seed_text)))


def hard_wrap(text: str, width: int, *, lines_per_page: int = 40, header: str = "赣州市人民政府办公室文件") -> str:
    """Wrap every paragraph at `width` characters, indent first lines, and break pages the way a PDF
    copied to text does: a page number and a running header between pages."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        rest = paragraph.strip()
        if not rest:
            lines.append("")
            continue
        first = True
        while rest:
            lines.append(("\u3000\u3000" if first else "") + rest[:width])
            rest, first = rest[width:], False
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and i % lines_per_page == 0:
            out += [f"— {i // lines_per_page} —", header]
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("width", [28, 35, 42])
def test_hard_wrapped_text_with_page_furniture(seed_text, reference, width):
    wrapped = hard_wrap(seed_text, width)
    assert "— 2 —" in wrapped and wrapped.count("赣州市人民政府办公室文件") >= 3
    policy = parse_text(wrapped)
    assert comparable(policy_to_json(policy)) == reference
    # Spans still point into the wrapped text; a quote is its span without the line breaks, indents
    # and page furniture the parser removed.
    for m in policy.measures:
        for q in m.quantities:
            inside = wrapped[q.span.start : q.span.end]
            assert inside[0] == q.quote[0] and inside[-1] == q.quote[-1]
            assert is_subsequence(q.quote, inside)


def is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def test_traditional_characters_keep_their_spelling_and_parse_the_same(seed_text, reference):
    traditional = opencc.OpenCC("s2t").convert(seed_text)
    policy = parse_text(traditional)
    assert comparable(policy_to_json(policy), _t2s.convert) == reference
    first = policy.measures[0]
    assert first.units[0].name == "市人社局" and first.units[0].canonical == "市人力资源和社会保障局"
    assert policy.measures[2].units[1].name == "市教育局"
    assert policy.measures[9].units[1].name == "人民銀行贛州市中心支行"  # as written, not converted
    assert policy.issuer == "贛州市人民政府辦公室"


def test_full_width_digits_and_signs(seed_text, reference):
    full_width = seed_text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789.%/-"})
    assert "３０００万元" in full_width
    policy = parse_text(full_width)
    assert comparable(policy_to_json(policy), lambda s: unicodedata.normalize("NFKC", s)) == comparable(
        reference, lambda s: unicodedata.normalize("NFKC", s))
    assert policy.measures[0].quantities[2].quote == "３０００万元以上"


def test_stray_spaces_between_characters(seed_text, reference):
    spaced = re.sub(r"([\u4e00-\u9fff])(?=[\u4e00-\u9fff])", lambda m: m.group(1) + " " * (m.start() % 5 == 0),
                    seed_text)
    assert spaced != seed_text
    assert comparable(policy_to_json(parse_text(spaced))) == reference


def test_page_numbers_alone_do_not_eat_numbered_lines():
    text = "一、总体要求\n1.\n加快推进项目建设，全年完成投资100亿元。（市发改委负责）\n- 1 -\n2.推进改革。（市财政局负责）\n- 2 -\n"
    policy = parse_text(text)
    assert [m.no for m in policy.measures] == ["1", "2"]
