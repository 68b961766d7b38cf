//! Prints the PNG size of a typical figure (a maintainer's check that committed notebooks stay small).
use dlcourse::prelude::*;

fn main() -> dlcourse::Result<()> {
    let xs: Vec<f64> = (0..=200).map(|i| -3.0 + i as f64 * 0.03).collect();
    let sin: Vec<f64> = xs.iter().map(|x| x.sin()).collect();
    let fig = LinePlot::new("sin x").x_label("x").y_label("y").line("sin x", &xs, &sin).figure();
    let png = fig.to_png()?;
    println!("line plot: {} bytes of PNG", png.len());
    fig.save_png_overwrite("target/figure_size.png")?; // a build product, rewritten on every run
    Ok(())
}
