//! The font of the figures, and the few symbols it lacks.
//!
//! Text in PNG figures is drawn with the shipped DejaVu Sans (so that figures look the same on
//! every machine). A character the font has no glyph for would be drawn as an empty box; the
//! symbols of [`SUBSTITUTES`] are drawn as a look-alike the font has instead. The test
//! `every_symbol_of_the_notebooks_has_a_glyph` checks every character of every string in the
//! notebooks' code against the font.

use plotters::style::{register_font, FontStyle};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};
use std::borrow::Cow;
use std::sync::Once;

/// The font shipped with the crate (DejaVu Sans, see `assets/fonts/LICENSE-DejaVu.txt`), so that
/// text in bitmaps never depends on the fonts installed on the machine.
pub(crate) const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the shipped font as plotters' "sans-serif" family (once per process).
pub(crate) fn ensure_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled into the crate, so failing to parse it is a build defect, not user input.
        if register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS).is_err() {
            eprintln!("dlcourse: the shipped DejaVu Sans font could not be parsed; text will be missing from figures");
        }
    });
}

/// Symbols DejaVu Sans lacks, each with the look-alike it has that is drawn instead.
pub(crate) const SUBSTITUTES: &[(char, char)] = &[
    ('⟂', '⊥'), // U+27C2 PERPENDICULAR → U+22A5 UP TACK ("x ⟂ y", "residual ⟂ columns")
];

/// `text` with every symbol of [`SUBSTITUTES`] replaced by its look-alike.
pub(crate) fn drawable(text: &str) -> Cow<'_, str> {
    if text.chars().all(|c| SUBSTITUTES.iter().all(|(missing, _)| *missing != c)) {
        return Cow::Borrowed(text);
    }
    let swap = |c: char| SUBSTITUTES.iter().find(|(missing, _)| *missing == c).map_or(c, |(_, look_alike)| *look_alike);
    Cow::Owned(text.chars().map(swap).collect())
}

/// A drawing backend that draws like `B` but writes text through [`drawable`]: the one place
/// every title, axis label, tick label, legend entry and caption of a PNG figure passes.
pub struct FontFallback<B>(pub(crate) B);

impl<B: DrawingBackend> DrawingBackend for FontFallback<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_text(&drawable(text), style, pos)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        self.0.estimate_text_size(&drawable(text), style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ab_glyph::{Font, FontRef};
    use std::collections::BTreeMap;

    /// The characters of the string literals in `code` (Rust): `"…"`, `r"…"`, `r#"…"#`; comments skipped.
    fn string_literal_chars(code: &str, found: &mut Vec<char>) {
        let c: Vec<char> = code.chars().collect();
        let mut i = 0;
        while i < c.len() {
            let rest = &c[i..];
            if rest.starts_with(&['/', '/']) {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            } else if rest.starts_with(&['\'', '"', '\'']) || rest.starts_with(&['\'', '\\', '"']) {
                i += 3; // the character literal '"' (or '\"')
            } else if rest.starts_with(&['r', '#', '"']) || rest.starts_with(&['r', '"']) || rest[0] == '"' {
                let raw = rest[0] == 'r';
                let hashes = rest.iter().skip(1).take_while(|&&ch| ch == '#').count();
                i += if raw { 2 + hashes } else { 1 };
                while i < c.len() {
                    if !raw && c[i] == '\\' {
                        i += 2;
                        continue;
                    }
                    if c[i] == '"' && c[i + 1..].iter().take(hashes).filter(|&&ch| ch == '#').count() == hashes {
                        i += 1 + hashes;
                        break;
                    }
                    found.push(c[i]);
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
    }

    /// A JSON value, as much of it as reading a notebook needs.
    enum Json {
        Text(String),
        List(Vec<Json>),
        Object(Vec<(String, Json)>),
        Other,
    }

    /// Parses the JSON value at the start of `s` (skipping blanks); returns it and the rest of `s`.
    fn parse_json(s: &str) -> (Json, &str) {
        let s = s.trim_start();
        match s.chars().next() {
            Some('"') => {
                let (mut text, mut chars) = (String::new(), s[1..].char_indices());
                while let Some((i, c)) = chars.next() {
                    match c {
                        '"' => return (Json::Text(text), &s[i + 2..]),
                        '\\' => match chars.next().map(|(_, e)| e) {
                            Some('n') => text.push('\n'),
                            Some('t') => text.push('\t'),
                            Some('u') => {
                                let hex: String = (0..4).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                                // a surrogate half (an emoji) is kept as U+FFFD: it is not ASCII either
                                let code = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                                text.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                            }
                            Some(e) => text.push(e),
                            None => {}
                        },
                        c => text.push(c),
                    }
                }
                (Json::Text(text), "")
            }
            Some(open @ ('[' | '{')) => {
                let (mut items, mut fields, mut rest) = (vec![], vec![], &s[1..]);
                loop {
                    rest = rest.trim_start().trim_start_matches(',').trim_start();
                    if rest.starts_with(']') || rest.starts_with('}') || rest.is_empty() {
                        break;
                    }
                    if open == '{' {
                        let (key, after) = parse_json(rest);
                        let (value, after) = parse_json(after.trim_start().trim_start_matches(':'));
                        fields.push((if let Json::Text(k) = key { k } else { String::new() }, value));
                        rest = after;
                    } else {
                        let (value, after) = parse_json(rest);
                        items.push(value);
                        rest = after;
                    }
                }
                let rest = rest.get(1..).unwrap_or("");
                (if open == '{' { Json::Object(fields) } else { Json::List(items) }, rest)
            }
            _ => {
                let end = s.find([',', ']', '}']).unwrap_or(s.len());
                (Json::Other, &s[end..])
            }
        }
    }

    /// The source code of each code cell of a notebook (its JSON text).
    fn code_cells(notebook: &str) -> Vec<String> {
        fn field<'a>(fields: &'a [(String, Json)], name: &str) -> Option<&'a Json> {
            fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
        }
        let text = |v: Option<&Json>| match v {
            Some(Json::Text(t)) => t.clone(),
            Some(Json::List(lines)) => {
                lines.iter().map(|l| if let Json::Text(t) = l { t.as_str() } else { "" }).collect()
            }
            _ => String::new(),
        };
        let Json::Object(top) = parse_json(notebook).0 else { return vec![] };
        let Some(Json::List(cells)) = field(&top, "cells") else { return vec![] };
        cells
            .iter()
            .filter_map(|cell| match cell {
                Json::Object(f) if text(field(f, "cell_type")) == "code" => Some(text(field(f, "source"))),
                _ => None,
            })
            .collect()
    }

    /// Every non-ASCII character of a string in the notebooks' code cells (any string may end up in
    /// a title, an axis label, a legend or a caption) and in the plot module's own code, with where
    /// it was found.
    fn symbols_used() -> BTreeMap<char, String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources: Vec<(String, String)> = vec![];
        let notebooks = std::fs::read_dir(root.join("notebooks")).map(|d| d.flatten().collect()).unwrap_or(vec![]);
        for entry in notebooks {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "ipynb") {
                let text = std::fs::read_to_string(&path).expect("a notebook is readable");
                for source in code_cells(&text) {
                    sources.push((path.file_name().unwrap().to_string_lossy().into_owned(), source));
                }
            }
        }
        for entry in std::fs::read_dir(root.join("src/plot")).expect("src/plot exists").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name != "text.rs" {
                sources.push((name, std::fs::read_to_string(entry.path()).expect("a source file is readable")));
            }
        }
        let mut symbols = BTreeMap::new();
        for (name, code) in sources {
            let mut chars = vec![];
            string_literal_chars(&code, &mut chars);
            for c in chars.into_iter().filter(|c| !c.is_ascii()) {
                symbols.entry(c).or_insert(name.clone());
            }
        }
        symbols
    }

    #[test]
    fn notebook_code_cells_are_read() {
        let nb = r##"{"cells": [{"cell_type": "markdown", "source": ["# \u03c3"]},
            {"cell_type": "code", "outputs": [{"text": ["x"]}], "source": ["let t = \"\u27c2\";\n", "f(t)"]}], "nbformat": 4}"##;
        assert_eq!(code_cells(nb), ["let t = \"⟂\";\nf(t)"]);
    }

    #[test]
    fn string_literals_are_found() {
        let mut found = vec![];
        string_literal_chars("let t = \"a ⟂ b\"; // \"∂\"\nlet c = '\"'; let r = r#\"σ\"#; f(\"x\\\"²\")", &mut found);
        assert_eq!(found.into_iter().filter(|c| !c.is_ascii()).collect::<String>(), "⟂σ²");
    }

    #[test]
    fn every_symbol_of_the_notebooks_has_a_glyph() {
        let font = FontRef::try_from_slice(DEJAVU_SANS).expect("the shipped font parses");
        let symbols = symbols_used();
        assert!(symbols.contains_key(&'×'), "the scan found the notebooks' symbols: {symbols:?}");
        let missing: Vec<String> = symbols
            .iter()
            .filter(|(c, _)| drawable(&c.to_string()).chars().any(|d| font.glyph_id(d).0 == 0))
            .map(|(c, nb)| format!("{c} (U+{:04X}, in {nb})", *c as u32))
            .collect();
        println!("{} symbols: {}", symbols.len(), symbols.keys().collect::<String>());
        assert!(missing.is_empty(), "no glyph in DejaVu Sans: add a look-alike to SUBSTITUTES: {missing:?}");
        // and each look-alike is in the font, while the symbol it replaces is not
        for (missing, look_alike) in SUBSTITUTES {
            assert!(font.glyph_id(*missing).0 == 0 && font.glyph_id(*look_alike).0 != 0, "{missing} → {look_alike}");
        }
    }

    #[test]
    fn substitutes_are_drawn() {
        assert_eq!(drawable("residual ⟂ columns"), "residual ⊥ columns");
        assert!(matches!(drawable("loss σ²"), Cow::Borrowed(_)));
    }
}
