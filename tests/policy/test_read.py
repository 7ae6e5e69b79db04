"""Reading files: encodings detected, bad input refused with a message naming the file."""

import pytest

from taizhang.errors import BinaryDocument, CorruptDocument, EmptyDocument, NoMeasuresFound, UnsupportedFormat
from taizhang.policy.parse import parse_file, parse_text
from taizhang.policy.read import read_bytes
from taizhang.policy.serialize import policy_to_json


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le"])
def test_every_common_encoding_of_the_seed_parses_identically(tmp_path, seed_text, encoding):
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(seed_text.encode(encoding))
    doc = read_bytes(path.read_bytes(), name=path.name)
    assert doc.text.lstrip("\ufeff") == seed_text
    assert policy_to_json(parse_file(path)) == policy_to_json(parse_text(seed_text))


def test_windows_line_endings_keep_spans_exact(seed_text):
    crlf = seed_text.replace("\n", "\r\n")
    policy = parse_text(crlf)
    assert len(policy.measures) == 23 and sum(len(m.quantities) for m in policy.measures) > 0
    for m in policy.measures:
        assert crlf[m.span.start : m.span.end] == m.text
        for q in m.quantities:
            assert crlf[q.span.start : q.span.end] == q.quote


@pytest.mark.parametrize("content", [b"", b"   \n\n  ", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(content):
    with pytest.raises(EmptyDocument, match="文件“空.txt”是空的"):
        read_bytes(content, name="空.txt")


def test_binary_file_is_refused():
    blob = bytes(range(256)) * 40
    with pytest.raises(BinaryDocument, match="文件“blob.bin”.*二进制"):
        read_bytes(blob, name="blob.bin")


@pytest.mark.parametrize(
    ("magic", "error", "says"),
    [(b"%PDF-1.7\n", CorruptDocument, "PDF"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", UnsupportedFormat, "旧版 Word")],
)
def test_other_formats_are_named_not_misread(magic, error, says):
    with pytest.raises(error, match=f"文件“x.doc”.*{says}"):
        read_bytes(magic + b"\x00" * 100, name="x.doc")


def test_text_without_numbered_measures_is_refused():
    with pytest.raises(NoMeasuresFound, match="文件“通知.txt”中没有找到编号的措施条目"):
        parse_text("关于开展安全检查的通知\n各单位：\n请于本周内完成自查。\n", name="通知.txt")


def test_document_cut_off_mid_measure_parses_as_far_as_it_goes(seed_text):
    cut = seed_text[: seed_text.index("全年一般性支出总额") + 5]
    policy = parse_text(cut, name="cut.txt")
    assert len(policy.measures) == 20
    assert [m.truncated for m in policy.measures] == [False] * 19 + [True]
    assert policy.truncated
    assert any("第20项措施处中断" in w and "cut.txt" in w for w in policy.warnings)
    # Everything before the cut is read as usual.
    assert policy.measures[18].units[0].name == "市商务局"


def test_cut_inside_a_unit_bracket_keeps_only_complete_names(seed_text):
    cut = seed_text[: seed_text.index("〔责任单位：市发改委、市财政局、市政府金融办") + len("〔责任单位：市发改委、市财")]
    policy = parse_text(cut)
    last = policy.measures[-1]
    assert last.truncated
    assert [u.name for u in last.units] == ["市发改委"]
