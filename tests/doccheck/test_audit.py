"""The audit on small pages: every way a block could render as code without being checked."""

from pathlib import Path

import pytest

from doccheck import audit_page, parse_page
from tests.doccheck.pages import page


def audit(text: str) -> list[str]:
    return audit_page(parse_page(page(text), Path("page.md")))


def test_a_clean_page_passes():
    assert audit("""
        '''python
        print(1)
        '''

        '''output
        1
        '''

        !!! note

            '''python
            pass
            '''

        <!-- notest: needs the MNIST download -->
        '''python notest
        load_mnist()
        '''

        ~~~markdown
        '''python
        shown as an example of Markdown, never run
        '''
        ~~~

        A shell session, introduced by a sentence:

        '''console
        $ make test
        '''
    """) == []


OTHER_SPELLINGS = ["Python", "PY", "py", "python3", "py3", "sage", "pycon", "numpy", "python2", "ipython"]


@pytest.mark.parametrize("tag", OTHER_SPELLINGS)
def test_other_spellings_of_python_are_refused(tag):
    assert audit(f"""
        '''{tag}
        print("never run")
        '''
    """) == [f"page.md:1: ```{tag} renders as Python but never runs: write ```python"]


def test_the_superfences_header_is_read_too():
    assert audit("""
        '''{.Python}
        print("never run")
        '''
    """) == ["page.md:1: ```Python renders as Python but never runs: write ```python"]


@pytest.mark.parametrize("option", ["runner:other", "retry:3", "fixture:tmp_path", "hl_lines=2", "whatever"])
def test_unsupported_fence_options_are_refused(option):
    assert audit(f"""
        '''python {option}
        print(1)
        '''

        '''output
        1
        '''
    """) == [f"page.md:1: unsupported fence option {option}: only continuation, notest, book=\"FOLDER\" are allowed"]


@pytest.mark.parametrize("lang", ["text", "plain", "console", "", "pytb", "shell-session"])
def test_a_fence_that_could_pass_for_output_is_refused(lang):
    shown = f"```{lang}" if lang else "a fence with no language"
    problems = audit(f"""
        '''python
        x = 1
        '''

        '''{lang}
        1
        '''
    """)
    assert f"page.md:5: {shown} right after a python block looks like its output but is never checked: use ```output" \
        in problems
    assert len(problems) == (2 if lang == "plain" else 1)  # Pygments knows no "plain": a typo as well


def test_a_python_fence_inside_html_is_refused():
    assert audit("""
        <div markdown>
        '''python
        print("the site shows this, but CommonMark sees HTML")
        '''
        </div>
    """) == ["page.md:2: python block is not collected, so it never runs (is it inside HTML or an indented block?)"]


def test_an_indented_python_fence_is_refused():
    assert audit("""
        A paragraph:

            '''python
            print("an indented code block, not a fence")
            '''
    """) == ["page.md:3: python block is not collected, so it never runs (is it inside HTML or an indented block?)"]


def test_notest_needs_a_reason_and_no_output_block():
    assert audit("""
        '''python notest
        import this_needs_a_gpu
        '''

        <!-- notest: needs the MNIST download -->
        '''python notest
        print(load_mnist())
        '''

        '''output
        60000
        '''
    """) == [
        "page.md:1: notest without a reason: put <!-- notest: why --> on the line above",
        "page.md:10: output block after a notest block: nothing checks it",
    ]


def test_orphan_output_and_a_continuation_with_nothing_to_continue_are_refused():
    assert audit("""
        '''python continuation
        x = 1
        '''

        Text.

        '''output
        1
        '''

        '''python
        y = 2
        '''

        '''output
        2
        '''

        '''output
        2
        '''
    """) == [
        "page.md:1: continuation, but no python block runs before it on this page",
        "page.md:7: output block does not follow a python block",
        "page.md:19: output block does not follow a python block",
    ]


@pytest.mark.parametrize("opener", ['!!! note "Note"', "??? tip", "???+ tip", '=== "Tab"', '===+ "Tab"', '===! "Tab"'])
def test_blocks_in_every_container_are_collected_with_their_output(opener):
    parsed = parse_page(page(f"""
        {opener}

            '''python
            print("inside")
            '''

            '''output
            inside
            '''
    """))
    (block,) = parsed.runnable_blocks
    assert (block.line, block.code, block.expected_output) == (3, 'print("inside")\n', "inside\n")
    assert audit_page(parsed) == []


def test_parse_page_pairs_python_blocks_with_their_output():
    parsed = parse_page(page("""
        '''python
        print(1)
        '''

        '''output
        1
        '''

        '''python
        pass
        '''
    """))
    first, second = parsed.runnable_blocks
    assert (first.line, first.expected_output, first.output_line) == (1, "1\n", 5)
    assert second.expected_output is None


# --- What a reader would take for output, or never see (issue 18) -----------------


def test_text_after_a_python_block_and_a_comment_still_looks_like_its_output():
    assert audit("""
        '''python
        print(1 + 2)
        '''

        <!-- the result -->

        '''text
        3
        '''
    """) == ["page.md:7: ```text right after a python block looks like its output but is never checked: use ```output"]


def test_an_output_tab_holding_a_text_block_looks_like_output():
    assert audit("""
        === "Code"

            '''python
            print(1 + 2)
            '''

        === "Output"

            '''text
            3
            '''
    """) == ["page.md:9: ```text right after a python block looks like its output but is never checked: use ```output"]


def test_an_output_block_in_an_output_tab_is_paired_and_checked():
    parsed = parse_page(page("""
        === "Code"

            '''python
            print(1 + 2)
            '''

        === "Output"

            '''output
            3
            '''
    """))
    assert parsed.runnable_blocks[0].expected_output == "3\n"
    assert audit_page(parsed) == []


def test_a_paragraph_between_a_python_block_and_a_text_block_is_fine():
    assert audit("""
        '''python
        print(1 + 2)
        '''

        A shell session, introduced by a sentence:

        '''text
        $ python page.py
        '''
    """) == []


@pytest.mark.parametrize(("markup", "what"), [
    ('<div style="display: none" markdown>', "<div style="),
    ('<div markdown style="opacity: 0; height: 0">', "<div markdown style="),
    ('<div markdown hidden>', "<div markdown hidden"),
    ('<div class="doc" markdown>', 'class="doc'),
    ("</article>", "</article"),
    ('<span style="visibility:hidden">x</span>', "<span style="),
])
def test_markup_that_hides_content_is_refused(markup, what):
    problems = audit(f"""
        {markup}

        '''python
        secret = 42
        '''

        </div>

        '''python
        print(6 * 7)
        '''

        '''output
        42
        '''
    """)
    assert problems == [f"page.md:1: raw HTML here hides content from the reader or from the check of the built page "
                        f"({what}): a block in it would run unseen, or be shown unchecked; take the markup out"]


def test_a_closing_fence_indented_as_code_is_caught():
    problems = audit("""
        '''python
        print(1)
            '''

        Some prose that Markdown now reads as code.

        '''output
        1
        '''
    """)
    assert problems[0].startswith("page.md:1: the fence seems to close at line 3, but Markdown reads the block as "
                                  "closing at line 9")


def test_an_attribute_header_with_python_among_its_classes_is_seen():
    problems = audit("""
        '''{#setup .python}
        print("run?")
        '''
    """)
    assert problems and all(p.startswith("page.md:1:") for p in problems)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c"])
def test_line_numbers_count_newlines_only(separator):
    assert audit(f"""
        A sentence{separator}with an odd separator.

        '''python
        print(1)
        '''

        '''output
        1
        '''
    """) == []


def test_a_byte_order_mark_is_read_as_nothing():
    parsed = parse_page("\ufeff" + page("""
        '''python
        print(1)
        '''

        '''output
        1
        '''
    """))
    assert parsed.text.startswith("```python") and audit_page(parsed) == []


# --- A typo in a fence's language (issue 19) ---------------------------------------


def test_a_misspelt_language_is_refused_with_a_guess():
    assert audit("""
        Some prose.

        '''pyhton
        raise SystemExit("this never runs, and nobody would know")
        '''
    """) == ["page.md:3: ```pyhton: did you mean python? A fence in a language the site does not know renders "
             "as plain text and never runs. (A language a page really needs goes into doccheck_languages.)"]


def test_an_unknown_language_with_no_close_name_is_refused_too():
    assert audit("""
        '''zzqqx
        text
        '''
    """)[0].startswith("page.md:1: ```zzqqx: Pygments knows no such language")


def test_a_language_a_page_needs_can_be_listed():
    text = page("""
        '''mermaid
        graph TD; A-->B
        '''
    """)
    assert audit_page(parse_page(text, Path("page.md"))) != []
    assert audit_page(parse_page(text, Path("page.md")), ["mermaid"]) == []


def test_a_dot_python_fence_and_a_fence_after_a_stray_indented_one_are_seen():
    assert audit("""
        '''.python
        print("rendered as Python")
        '''
    """)[0].startswith("page.md:1:")
    problems = audit("""
        Prose with a stray line:

            '''

        <div>
        '''python
        print("inside HTML")
        '''
        </div>
    """)
    assert any(p.startswith("page.md:6:") and "not collected" in p for p in problems)


def test_an_empty_html_element_between_a_python_block_and_text_is_nothing_shown():
    assert audit("""
        '''python
        x = 1
        '''

        <div></div>

        '''text
        [0.5 0.5 0.5]
        '''
    """) == ["page.md:7: ```text right after a python block looks like its output but is never checked: use ```output"]



@pytest.mark.parametrize("lang", ["cython", "pyx", "mojo", "numpy"])
def test_dialects_that_render_as_python_are_refused(lang):
    assert audit(f"""
        '''{lang}
        print(round(2.675, 2))
        '''
    """)[0].startswith(f"page.md:1: '''{lang} renders as Python but never runs".replace("'''", "```"))


def test_a_second_output_looking_block_after_the_checked_one_is_refused():
    assert audit("""
        '''python
        print(0.1 + 0.2)
        '''

        '''output
        0.30000000000000004
        '''

        '''text
        0.3
        '''
    """) == ["page.md:9: ```text right after a python block looks like its output but is never checked: use ```output"]


def test_an_indented_code_block_after_a_python_block_looks_like_output():
    assert audit("""
        '''python
        x = 2 ** 10
        '''

            1000
    """) == ["page.md:5: an indented code block right after a python block looks like its output but is never "
             "checked: use ```output"]


def test_a_fence_inside_raw_html_is_refused_whatever_its_language():
    assert audit("""
        '''python
        print(1)
        '''

        '''output
        1
        '''

        <div>
        '''text
        2
        '''
        </div>
    """)[0].startswith("page.md:10: a fence the Markdown parser does not see here (inside raw HTML?)")



@pytest.mark.parametrize("lang", ["json", "yaml", "toml"])
def test_data_right_after_a_python_block_looks_like_its_output(lang):
    assert audit(f"""
        '''python
        scores = {{"bob": 0.78}}
        '''

        '''{lang}
        {{"best": "bob"}}
        '''
    """)[-1].startswith(f"page.md:5: ```{lang} right after a python block looks like its output")


@pytest.mark.parametrize("header", ["!!! md-toggle", "??? note tabbed-block", '!!! note md-toggle "A title"'])
def test_a_block_in_a_container_material_hides_is_refused(header):
    problems = audit(f"""
        {header}

            '''python
            x = 1
            '''
    """)
    assert len(problems) == 1 and "which Material's stylesheet hides" in problems[0]


def test_raw_html_with_a_class_material_hides_is_refused():
    problems = audit("""
        <div class="md-toggle" markdown>

        '''python
        x = 1
        '''

        </div>
    """)
    assert problems and all("hides content" in p for p in problems)


def test_raw_pre_anywhere_and_raw_code_after_a_python_block_are_refused():
    assert audit("""
        '''python
        pass
        '''

        <pre><code>108</code></pre>
    """) == ["page.md:5: raw HTML <pre>: it shows code or output that nothing runs or checks; write a "
             "```python block, and its ```output block"]
    assert audit("""
        '''python
        pass
        '''

        <div><code>108</code></div>
    """) == ["page.md:5: raw HTML <code> right after a python block: it shows code or output that nothing runs "
             "or checks; write a ```python block, and its ```output block"]
    assert audit("""
        Some prose.

        <figure><figcaption>The array <code>W1</code></figcaption></figure>
    """) == []


def test_the_hidden_classes_are_those_of_the_installed_material():
    import re

    from material import templates

    from doccheck.page import HIDDEN_CLASSES

    (css,) = Path(templates.__file__).parent.glob("assets/stylesheets/main.*.min.css")
    found = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css.read_text("utf-8")):
        if "display:none" in body:
            for selector in selectors.split(","):
                single = re.fullmatch(r"(?:\.md-typeset )?\.([a-zA-Z][\w-]*)", selector.strip())
                if single:
                    found.add(single[1])
    assert found == HIDDEN_CLASSES


def test_a_path_in_a_folder_every_page_shares_is_refused():
    problems = audit("""
        '''python
        from pathlib import Path
        Path("/tmp/shared.txt").write_text("from one page")
        '''

        '''python
        import tempfile
        print(open(tempfile.gettempdir() + "/mine.txt", "w").close())
        '''

        '''output
        None
        '''
    """)
    assert problems == [
        "page.md:3: '/tmp/shared.txt' is in a folder every page and run shares: another page may have written it, "
        "and the reader's machine holds something else there; use tempfile (each page has a TMPDIR of its own) "
        "or a relative path"
    ]
