"""output_mismatch: exact comparison, and messages that show what the eye cannot see."""

import pytest

from doccheck import output_mismatch


def test_equal_output_passes():
    assert output_mismatch("107\n", "107\n", "p.md:5") is None


def test_a_missing_final_newline_is_not_a_difference():
    assert output_mismatch("107\n", "107", "p.md:5") is None


def test_no_output_block_and_nothing_printed_passes():
    assert output_mismatch(None, "", "p.md:5") is None


def test_printing_without_an_output_block_fails():
    assert output_mismatch(None, "hidden\n", "p.md:5").startswith("the block printed output, but no ```output block")


def test_a_difference_is_a_unified_diff_naming_the_output_block():
    message = output_mismatch("108\nsame\n", "107\nsame\n", "p.md:8")
    assert message.splitlines()[:6] == [
        "printed output differs from the output block at p.md:8",
        "--- shown on the page (p.md:8)",
        "+++ printed by the block",
        "@@ -1,2 +1,2 @@",
        "-108",
        "+107",
    ]
    assert "look the same" not in message


@pytest.mark.parametrize(
    ("shown", "printed", "shown_ascii", "printed_ascii"),
    [
        ("a b\n", "a b \n", "'a b\\n'", "'a b \\n'"),
        ("a       b\n", "a\tb\n", "'a       b\\n'", "'a\\tb\\n'"),
        ("\u00e9\n", "e\u0301\n", "'\\xe9\\n'", "'e\\u0301\\n'"),
        ("ラムダ\n", "ラムダ\u3000\n", "'\\u30e9\\u30e0\\u30c0\\n'", "'\\u30e9\\u30e0\\u30c0\\u3000\\n'"),
    ],
    ids=["trailing-space", "tab", "unicode-normalization", "ideographic-space"],
)
def test_lines_that_look_the_same_are_spelled_out(shown, printed, shown_ascii, printed_ascii):
    message = output_mismatch(shown, printed, "p.md:5")
    assert message.endswith(
        f"Lines that look the same but differ:\n  shown:   {shown_ascii}\n  printed: {printed_ascii}\n"
    )
