"""Sphinx configuration of the course website (built by tools/build_site.py; see the README).

The pages are the executed notebooks as they are: myst-nb reads their stored outputs and runs
nothing. Everything a page needs is served from the site itself: MathJax is copied in from
site/node_modules (npm's `mathjax` package), the theme's fonts and scripts ship with the theme.
"""

project = "Deep learning from first principles, in Rust"
author = "the dlcourse authors"

extensions = ["myst_nb"]

# The notebooks are executed by tools/run_notebooks.py (make test, make course) and committed with
# their outputs; the website shows those outputs and never executes a cell.
nb_execution_mode = "off"
# A cell's stderr (the course kernel's progress lines) is shown as the notebook shows it.
nb_output_stderr = "show"
# An error output is the Rust compiler's or the kernel's message, not a Python traceback.
nb_render_error_lexer = "text"
# `$…$` and `$$…$$` as in JupyterLab; `\begin{bmatrix}` inside display math.
myst_enable_extensions = ["dollarmath", "amsmath"]
# JupyterLab also reads `$$…$$` inside a paragraph (a line of its own, text above and below) as
# display math; the notebooks write it so.
myst_dmath_double_inline = True
# Headings get anchors, so that the contents can link to a notebook's "Exercises".
myst_heading_anchors = 3
# Rust cells: the notebooks' language_info says `rust`, which Pygments highlights.
highlight_language = "rust"

# MathJax 3 from the site's own _static/mathjax (tools/build_site.py copies it there): formulas
# render with no network. Delimiters as Sphinx writes them.
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {
    "tex": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]]},
    "options": {"processHtmlClass": "tex2jax_process|mathjax_process|math|output_area"},
}

html_theme = "sphinx_book_theme"
html_title = "Deep learning in Rust"
html_favicon = "_static/favicon.svg"  # a ∂ on rust red; without one every page asks for a missing /favicon.ico
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_js_files = [("search_math.js", {"defer": "defer"})]  # after searchtools.js, before its search runs
html_last_updated_fmt = None
html_copy_source = True  # the page's download button offers the executed notebook from _sources/
html_show_sourcelink = False
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": True,  # the executed notebook, as a reader may open it in JupyterLab
    "use_fullscreen_button": False,
    "navigation_with_keys": True,
    "show_navbar_depth": 1,
    # pydata-sphinx-theme 0.20 puts a second search box in a header bar above the page unless this
    # is set; the book theme's sidebar has the search box already.
    "navbar_persistent": [],
}

# downloads/ holds the student edition's notebooks: files to download, not pages; contents.md is
# included in index.md, not a page of its own.
exclude_patterns = ["_build", "node_modules", "**.ipynb_checkpoints", "downloads", "contents.md"]


def load_mathjax_on_the_search_page(app, pagename, templatename, context, doctree):
    """Search results quote the pages' formulas (site/_static/search_math.js typesets them), so the
    search page loads MathJax too. Runs before sphinx.ext.mathjax's handler, which reads this flag."""
    if pagename == "search":
        context["has_maths_elements"] = True


def setup(app):
    app.connect("html-page-context", load_mathjax_on_the_search_page, priority=100)
