//! Draws one figure of every kind into `build/gallery/` (PNG and SVG), to look at them.
//!
//! `cargo run --example gallery`

use dlcourse::prelude::*;

fn main() -> dlcourse::Result<()> {
    let out = std::path::Path::new("build/gallery");
    std::fs::create_dir_all(out).expect("build/gallery can be created");
    let mut figures: Vec<(&str, Figure)> = vec![];

    let path: Vec<(f64, f64)> = (0..25).map(|t| (1.8 * 0.8f64.powi(t), 1.5 * (-0.6f64).powi(t))).collect();
    figures.push((
        "heatmap",
        Heatmap::from_fn("loss surface x² + 3y²", (-2.0, 2.0), (-2.0, 2.0), 80, |x, y| x * x + 3.0 * y * y)
            .levels(8)
            .equal_aspect()
            .path("gradient descent", &path)
            .quiver(9, |x, y| (-2.0 * x, -6.0 * y))
            .figure(),
    ));
    let moons = datasets::two_moons(200, 0.15, 0)?;
    figures.push((
        "decision_boundary",
        decision_boundary("moons: a quadratic rule", &moons, |p| {
            p.rows()
                .into_iter()
                .map(|r| usize::from(r[1] < 0.25 + 0.0 * r[0] - 0.3 * (r[0] - 0.5).powi(2) + 0.3))
                .collect()
        })?
        .figure(),
    ));
    figures.push((
        "bands",
        Heatmap::from_fn("Rosenbrock, filled contours", (-2.0, 2.0), (-1.0, 3.0), 100, |x, y| {
            (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
        })
        .bands(8)
        .log_levels(10)
        .figure(),
    ));
    figures.push((
        "surface",
        SurfacePlot::from_fn("MSE bowl", (-2.0, 2.0), (-2.0, 2.0), 30, |a, b| a * a + 3.0 * b * b)
            .labels("a", "b", "loss")
            .path(&path.iter().map(|&(x, y)| (x, y, x * x + 3.0 * y * y)).collect::<Vec<_>>())
            .figure(),
    ));
    let normal: Vec<f64> = datasets::noisy_function(|_| 0.0, 2000, (0.0, 1.0), 1.0, 1)?.targets.to_vec();
    let wide: Vec<f64> = normal.iter().map(|v| 2.0 * v + 1.0).collect();
    figures.push((
        "histogram",
        Histogram::new("two Gaussians")
            .x_label("value")
            .density()
            .data("N(0, 1)", &normal)
            .data("N(1, 4)", &wide)
            .figure(),
    ));
    figures.push((
        "bars",
        BarChart::new("explained variance", &["PC1", "PC2", "PC3", "PC4"])
            .y_label("share")
            .series("digits", &[0.15, 0.14, 0.12, 0.09])
            .series("noise", &[0.26, 0.25, 0.25, 0.24])
            .figure(),
    ));
    let confusion =
        Array2::from_shape_fn((10, 10), |(i, j)| if i == j { 170.0 + i as f64 } else { ((i * 7 + j * 3) % 5) as f64 });
    let digits: Vec<String> = (0..10).map(|d| d.to_string()).collect();
    figures.push((
        "matrix",
        MatrixPlot::new("confusion matrix", confusion.view())
            .row_labels(&digits)
            .col_labels(&digits)
            .axis_labels("predicted", "true")
            .annotate()
            .figure(),
    ));
    let data = datasets::digits()?;
    let captions: Vec<String> = (0..16).map(|i| format!("label {}", data.targets[i])).collect();
    figures.push((
        "images",
        ImageGrid::new("the first digits", 8).images(data.images(0..16)?.view(), &captions)?.range(0.0, 16.0).figure(),
    ));
    for (name, fig) in figures {
        // generated files, rewritten on every run
        fig.save_png_overwrite(out.join(format!("{name}.png")))?;
        fig.save_svg_overwrite(out.join(format!("{name}.svg")))?;
        println!("build/gallery/{name}.png");
    }
    Ok(())
}
