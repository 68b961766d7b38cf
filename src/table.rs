//! Tables: a polars `DataFrame` shown as an HTML table in a notebook.

use polars::prelude::DataFrame;
use std::fmt::Write as _;

/// A data frame that displays as an HTML table (and as text where HTML is not shown).
///
/// ```
/// use dlcourse::prelude::*;
/// let df = df!("x" => [1.0, 2.0], "y" => [3.0, 4.0]).unwrap();
/// assert!(Table::new(df).to_html().contains("<td>4.0000</td>"));
/// ```
#[derive(Clone, Debug)]
pub struct Table {
    /// The data frame shown.
    pub frame: DataFrame,
    /// Digits after the decimal point for floating-point values.
    pub precision: usize,
}

impl Table {
    /// A table of a data frame, floats shown with 4 decimals.
    pub fn new(frame: DataFrame) -> Self {
        Table { frame, precision: 4 }
    }

    /// Sets the number of decimals for floats.
    pub fn precision(mut self, digits: usize) -> Self {
        self.precision = digits;
        self
    }

    fn cell(&self, value: polars::prelude::AnyValue<'_>) -> String {
        use polars::prelude::AnyValue;
        match value {
            AnyValue::Float64(v) => format!("{v:.*}", self.precision),
            AnyValue::Float32(v) => format!("{v:.*}", self.precision),
            AnyValue::String(s) => s.to_string(),
            AnyValue::Null => String::new(),
            other => other.to_string(),
        }
    }

    /// The table as HTML.
    pub fn to_html(&self) -> String {
        let mut html = String::from("<table>\n<thead><tr>");
        for name in self.frame.get_column_names() {
            let _ = write!(html, "<th>{}</th>", escape(name.as_str()));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for i in 0..self.frame.height() {
            html.push_str("<tr>");
            for column in self.frame.columns() {
                let v = column.get(i).map(|v| self.cell(v)).unwrap_or_default();
                let _ = write!(html, "<td>{}</td>", escape(&v));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table>");
        html
    }

    /// Called by evcxr when the table is the value of a cell.
    pub fn evcxr_display(&self) {
        println!(
            "EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT",
            self.to_html(),
            self.frame
        );
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
