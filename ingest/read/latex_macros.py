"""What the LaTeX decoder (ingest/read/latex.py) knows of macros beyond pylatexenc's tables, each
entry from the macro's definition, with its source."""

# What pylatexenc 2.11 does not know, or reads as nothing, read from the macros' definitions in the
# LaTeX kernel (github.com/latex3/latex2e, commit 7a74a9a0, LPPL 1.3c) and in biblatex
# (github.com/plk/biblatex, tex/latex/biblatex/biblatex.sty, commit d11aa549, LPPL 1.3).
WORDS = {
    # base/ltlogos.dtx and base/doc.dtx: the letters each logo prints
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX", "SliTeX": "SliTeX", "AmSTeX": "AMS-TeX",
    # base/ltplain.dtx; base/ltoutenc.dtx (characters of the T1 encoding); base/utf8ienc.dtx (Unicode characters)
    "slash": "/", "space": " ", "textless": "<", "textgreater": ">", "textbar": "|", "textunderscore": "_",
    "nobreakspace": "\xa0", "SS": "ẞ", "guillemetleft": "«", "guillemetright": "»", "textbardbl": "‖",
    # biblatex.sty: a hyphen that lets the rest of the word break, and one that does not break
    "hyphen": "-", "nbhyphen": "-",
    # a control space at a line's end; line and paragraph breaks (white space, folded to one space)
    "\n": " ", "\t": " ", "par": " ", "newline": " ", "linebreak": " ",
    # base/ltoutenc.dtx, the TU encoding (\DeclareUnicodeSymbol: the character each command prints), where pylatexenc
    # writes another character, having read a many-to-one table backwards (\textperiodcentered as U+02D9 DOT ABOVE, the
    # slip LaTeX's own utf8ienc.dtx fixed in 2006), or none (then the macro would be kept as written)
    "textperiodcentered": "\u00b7", "textasciicircum": "^", "texttildelow": "\u02f7", "textbraceleft": "{", "textbraceright": "}",
    "textgravedbl": "\u02f5", "textlquill": "\u2045", "textrquill": "\u2046", "textminus": "\u2212", "Hwithstroke": "\u0126",
    "hwithstroke": "\u0127", "textsurd": "\u221a", "textmarried": "\u26ad", "textdivorced": "\u26ae", "textinterrobangdown": "\u2e18",
    # unicode-math (github.com/latex3/unicode-math, commit 184a23b0, LPPL 1.3c): \diamond is \smwhtdiamond, U+22C4;
    # pylatexenc writes U+2662, \diamondsuit's
    "diamond": "\u22c4",
}
# Math accents: the combining mark each puts on every character of its argument. pylatexenc's, and \overline and
# \underline, which it reads as their argument alone ((1\overline{1}0) as "(110)"); their marks from Better BibTeX's
# table (github.com/retorquere/unicode2latex, config.ssv, commit 986ad1a5, MIT).
MATH_ACCENTS = {"not": "\u0338", "bar": "\u0305", "overline": "\u0305", "underline": "\u0332", "hat": "\u0302", "check": "\u030c",
                "tilde": "\u0303", "acute": "\u0301", "grave": "\u0300", "dot": "\u0307", "ddot": "\u0308", "breve": "\u0306",
                "vec": "\u20d7"}
# Defined as a command pylatexenc reads (base/ltoutenc.dtx: \S is \textsection in text; base/ltspace.dtx:
# \, is \thinspace; biblatex.sty: \mkbibemph is \emph, \hyphenate is \-).
DEFINED_AS = {"S": "textsection", "P": "textparagraph", "ddag": "textdaggerdbl", "copyright": "textcopyright",
              "pounds": "textsterling", "thinspace": ",", "hyphenate": "-", "mkbibemph": "emph", "mkbibbold": "textbf",
              "mkbibitalic": "textit"}
# Layout, not text: font, size and spacing switches write nothing.
LAYOUT = ("rm", "it", "bf", "sl", "sc", "sf", "tt", "em", "md", "up", "normalfont", "rmfamily", "sffamily", "ttfamily", "bfseries",
          "mdseries", "itshape", "slshape", "scshape", "upshape", "tiny", "scriptsize", "footnotesize", "small", "normalsize",
          "large", "Large", "LARGE", "huge", "Huge", "relax", "protect", "noindent", "null", "leavevmode", "allowbreak",
          "allowhyphens", "break", "nocorr", "unskip", "ignorespaces", "xspace", "/", "@")
# Write their one argument's text.
TEXT_ARGUMENT = ("mbox", "hbox", "textmd", "textsf", "texttt", "textup", "textnormal", "textsuperscript", "textsubscript")
# Write nothing, argument included (\vphantom{x} takes the height of x, and nothing else).
INVISIBLE = ("vphantom", "hphantom", "label")
# pylatexenc writes a placeholder or a value of its own for these (\cite{key}: "<cit.>"; \today: the day
# it runs): kept as written instead.
NOT_TEXT = frozenset(("cite", "citet", "citep", "ref", "autoref", "cref", "Cref", "eqref", "includegraphics", "input",
                      "include", "title", "author", "date", "maketitle", "today"))
# Text accents: the combining mark each puts on the letter after it (base/ltoutenc.dtx, the TU encoding's
# \DeclareUnicodeAccent; but \b is U+0331 MACRON BELOW, of which Unicode makes ḇ, ḏ and ḵ, where TU has U+0332).
ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
           "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
           "b": "\u0331"}
