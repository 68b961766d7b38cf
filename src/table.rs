//! Tables: named columns of numbers and text, shown as an HTML table in a notebook.
//!
//! A [`Table`] needs no data-frame library: most notebooks only show a few results side by side.
//! With the `tables` feature, a polars `DataFrame` becomes a table with [`Table::from_frame`].

use crate::error::{Error, Result};
use std::fmt::Write as _;

/// One value of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// A whole number, shown as it is.
    Int(i64),
    /// A number shown with the table's precision.
    Float(f64),
    /// Text, shown as it is.
    Text(String),
    /// A missing value, shown as an empty cell.
    Empty,
}

macro_rules! cell_from {
    ($variant:ident, $as:ty: $($t:ty),*) => {
        $(impl From<$t> for Cell {
            fn from(v: $t) -> Cell {
                Cell::$variant(v as $as)
            }
        })*
    };
}
cell_from!(Int, i64: i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);
cell_from!(Float, f64: f32, f64);

impl From<&str> for Cell {
    fn from(v: &str) -> Cell {
        Cell::Text(v.to_string())
    }
}
impl From<String> for Cell {
    fn from(v: String) -> Cell {
        Cell::Text(v)
    }
}
impl From<&String> for Cell {
    fn from(v: &String) -> Cell {
        Cell::Text(v.clone())
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// Named columns that display as an HTML table (and as aligned text where HTML is not shown).
///
/// ```
/// use dlcourse::prelude::*;
/// let table = Table::new().column("n", [1u32, 2]).column("x", [0.5, 0.25]).column("name", ["a", "b"]);
/// assert!(table.to_html()?.contains("<td>0.2500</td>"));
/// assert_eq!(table.n_rows(), 2);
/// // columns of different lengths are an error that names them
/// let ragged = Table::new().column("n", [1u32, 2]).column("x", [0.5]);
/// assert!(ragged.to_html().unwrap_err().to_string().contains("\"x\" has 1"));
/// # Ok::<(), dlcourse::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Table {
    columns: Vec<(String, Vec<Cell>)>,
    /// Digits after the decimal point for floating-point values.
    pub precision: usize,
}

impl Table {
    /// An empty table; floats will show with 4 decimals.
    pub fn new() -> Self {
        Table { columns: Vec::new(), precision: 4 }
    }

    /// Adds a column: a name and its values (numbers, text, or `Option`s of them).
    pub fn column<V: Into<Cell>>(mut self, name: impl Into<String>, values: impl IntoIterator<Item = V>) -> Self {
        self.columns.push((name.into(), values.into_iter().map(Into::into).collect()));
        self
    }

    /// Sets the number of decimals for floats.
    pub fn precision(mut self, digits: usize) -> Self {
        self.precision = digits;
        self
    }

    /// The number of rows (of the first column).
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, values)| values.len())
    }

    /// The column names, in order.
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// Checks that there is a column and that all columns have the same length.
    fn validate(&self) -> Result<()> {
        let Some((first, values)) = self.columns.first() else {
            return Err(Error::invalid("Table", "no columns: add one with .column(name, values)"));
        };
        for (name, other) in &self.columns[1..] {
            if other.len() != values.len() {
                return Err(Error::Shape {
                    op: "Table".into(),
                    expected: "columns of the same length".into(),
                    got: format!("\"{first}\" has {} values, \"{name}\" has {}", values.len(), other.len()),
                });
            }
        }
        Ok(())
    }

    fn text(&self, cell: &Cell) -> String {
        match cell {
            Cell::Int(v) => v.to_string(),
            Cell::Float(v) => format!("{v:.*}", self.precision),
            Cell::Text(s) => s.clone(),
            Cell::Empty => String::new(),
        }
    }

    /// The table as HTML; an error if the columns have different lengths.
    pub fn to_html(&self) -> Result<String> {
        self.validate()?;
        let mut html = String::from("<table>\n<thead><tr>");
        for (name, _) in &self.columns {
            let _ = write!(html, "<th>{}</th>", escape(name));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for i in 0..self.n_rows() {
            html.push_str("<tr>");
            for (_, values) in &self.columns {
                let _ = write!(html, "<td>{}</td>", escape(&self.text(&values[i])));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table>");
        Ok(html)
    }

    /// The table as text, each column as wide as its widest value; an error if the columns have
    /// different lengths.
    pub fn to_text(&self) -> Result<String> {
        self.validate()?;
        let cells: Vec<Vec<String>> = self
            .columns
            .iter()
            .map(|(name, values)| std::iter::once(name.clone()).chain(values.iter().map(|v| self.text(v))).collect())
            .collect();
        let widths: Vec<usize> = cells.iter().map(|c| c.iter().map(|s| s.chars().count()).max().unwrap_or(0)).collect();
        let mut text = String::new();
        for row in 0..=self.n_rows() {
            let line: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{:<w$}", c[row], w = *w)).collect();
            text.push_str(line.join("  ").trim_end());
            text.push('\n');
        }
        Ok(text)
    }

    /// Called by evcxr when the table is the value of a cell.
    pub fn evcxr_display(&self) {
        match (self.to_html(), self.to_text()) {
            (Ok(html), Ok(text)) => println!(
                "EVCXR_BEGIN_CONTENT text/html\n{html}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\n{text}EVCXR_END_CONTENT"
            ),
            (Err(e), _) | (_, Err(e)) => eprintln!("the table could not be shown: {e}"),
        }
    }
}

#[cfg(feature = "tables")]
impl Table {
    /// A polars data frame as a table: its columns, names and values.
    pub fn from_frame(frame: &polars::prelude::DataFrame) -> Self {
        use polars::prelude::AnyValue;
        let mut table = Table::new();
        for column in frame.columns() {
            let values = (0..frame.height()).map(|i| match column.get(i) {
                Ok(AnyValue::Float64(v)) => Cell::Float(v),
                Ok(AnyValue::Float32(v)) => Cell::Float(v as f64),
                Ok(AnyValue::String(s)) => Cell::Text(s.to_string()),
                Ok(AnyValue::Null) | Err(_) => Cell::Empty,
                Ok(other) => match other.extract::<i64>() {
                    Some(v) if other.is_integer() => Cell::Int(v),
                    _ => Cell::Text(other.to_string()),
                },
            });
            table = table.column(column.name().as_str(), values);
        }
        table
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_aligns_columns_and_errors_name_the_problem() {
        let t = Table::new().column("model", ["MLP", "CNN"]).column("accuracy", [0.5, 0.975]).precision(3);
        assert_eq!(t.to_text().unwrap(), "model  accuracy\nMLP    0.500\nCNN    0.975\n");
        assert_eq!(t.column_names(), ["model", "accuracy"]);
        let e = Table::new().to_html().unwrap_err().to_string();
        assert!(e.contains("no columns"), "{e}");
        let cells: Vec<Cell> = vec![Some(3usize).into(), None::<f64>.into(), "<b>".into()];
        let html = Table::new().column("c", cells).to_html().unwrap();
        assert!(
            html.contains("<td>3</td>") && html.contains("<td></td>") && html.contains("<td>&lt;b&gt;</td>"),
            "{html}"
        );
    }

    #[cfg(feature = "tables")]
    #[test]
    fn a_data_frame_keeps_its_names_and_values() {
        use polars::prelude::*;
        let frame = df!("n" => [1u32, 2], "x" => [0.5, 0.25], "s" => ["a", "b"]).unwrap();
        let t = Table::from_frame(&frame);
        assert_eq!(t.column_names(), ["n", "x", "s"]);
        assert_eq!(t.to_text().unwrap(), "n  x       s\n1  0.5000  a\n2  0.2500  b\n");
    }
}
