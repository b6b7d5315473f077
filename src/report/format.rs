//! How the report writes numbers: one function for a value, one for a value with
//! its interval, so that every table, card and chart label reads alike.
//!
//! - A value alone has four significant digits (`69.67`, `0.8333`, `7.023`),
//!   whole numbers from 1,000 up (`1,235`, `285,030`); a whole number has no
//!   decimals (`428`).
//! - A value with a 95% half-width is written to the decimals of the half-width's
//!   second significant digit, never more than the value alone would have:
//!   `218.9 ± 0.3`, `5 ± 12`, `0.9714 ± 0.0021`, `144,795,000 ± 39,000`. A
//!   half-width that rounds to zero there is `± 0`, whether it was exactly zero
//!   or only small.
//! - The integer part is grouped by thousands with commas, fractional numbers too
//!   (`1,234.5`); the minus sign is U+2212; an undefined value is `—`.

/// Significant digits of a value shown alone.
const SIGNIFICANT: i32 = 4;

/// Significant digits of a half-width.
const HALF_WIDTH_SIGNIFICANT: i32 = 2;

/// Decimals that give `x` `significant` significant digits (0 for large numbers).
fn decimals(x: f64, significant: i32) -> usize {
    let a = x.abs();
    if a == 0.0 || !a.is_finite() {
        return 0;
    }
    let magnitude = a.log10().floor() as i32;
    // Rounding may carry into a new digit (9.9996 → 10.00): measure after rounding.
    let d = (significant - 1 - magnitude).max(0);
    let rounded = format!("{a:.prec$}", prec = d as usize).parse::<f64>().unwrap_or(a);
    let magnitude = if rounded > 0.0 { rounded.log10().floor() as i32 } else { magnitude };
    (significant - 1 - magnitude).max(0) as usize
}

/// A number as the report prints it: four significant digits, thousands grouped.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.fract() == 0.0 {
        return fixed(x, 0);
    }
    fixed(x, decimals(x, SIGNIFICANT))
}

/// `x` with exactly `decimals` decimals, the integer part grouped by thousands.
pub(super) fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let text = format!("{:.decimals$}", x.abs());
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), ""), |(w, f)| (w, f));
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 2);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    let is_zero = text.chars().all(|c| c == '0' || c == '.');
    if x < 0.0 && !is_zero { format!("−{out}") } else { out }
}

/// `mean ± half_width`, both to the decimals the half-width deserves (see the
/// module's documentation); the mean alone when the half-width is undefined.
pub fn plus_minus(mean: f64, half_width: f64) -> String {
    match rounded(mean, half_width) {
        (m, Some(hw)) => format!("{m} ± {hw}"),
        (m, None) => m,
    }
}

/// `mean (low to high)`: an interval cut to the values the quantity can take,
/// the three numbers to the decimals [`plus_minus`] would give the mean.
pub(super) fn within(mean: f64, half_width: f64, low: f64, high: f64) -> String {
    let (m, _) = rounded(mean, half_width);
    let d = m.split_once('.').map_or(0, |(_, f)| f.len());
    let end = |x: f64| if x == 0.0 { "0".to_string() } else { fixed(x, d) };
    format!("{m} ({} to {})", end(low), end(high))
}

/// The mean and the half-width as [`plus_minus`] writes them, apart (a card
/// shows the value large and its interval below); no half-width when it is
/// undefined.
pub(super) fn rounded(mean: f64, half_width: f64) -> (String, Option<String>) {
    if !mean.is_finite() || !half_width.is_finite() || half_width < 0.0 {
        return (number(mean), None);
    }
    if half_width == 0.0 {
        return (number(mean), Some("0".into()));
    }
    // A half-width of 100 or more is rounded to its second significant digit
    // left of the point, and the mean with it: `144,795,000 ± 39,000`.
    let magnitude = half_width.log10().floor() as i32;
    if magnitude >= HALF_WIDTH_SIGNIFICANT {
        let unit = 10f64.powi(magnitude + 1 - HALF_WIDTH_SIGNIFICANT);
        let round = |x: f64| (x / unit).round() * unit;
        return (fixed(round(mean), 0), Some(fixed(round(half_width), 0)));
    }
    let own = if mean == 0.0 { usize::MAX } else { decimals(mean, SIGNIFICANT) };
    let d = decimals(half_width, HALF_WIDTH_SIGNIFICANT).min(own);
    let hw = fixed(half_width, d);
    let hw = if hw.chars().all(|c| c == '0' || c == '.' || c == ',') { "0".to_string() } else { hw };
    let m = if mean == 0.0 { "0".to_string() } else { fixed(mean, d) };
    (m, Some(hw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_interval_is_written_as_its_ends() {
        assert_eq!(within(0.98, 0.05, 0.93, 1.0), "0.980 (0.930 to 1.000)");
        assert_eq!(within(5.0, 12.0, 0.0, 17.0), "5 (0 to 17)");
    }

    #[test]
    fn values_alone_have_four_significant_digits_and_grouping() {
        let cases = [
            (285_029.5, "285,030"),
            (1234.0, "1,234"),
            (1234.6, "1,235"),
            (-12_345.6, "−12,346"),
            (3.0, "3"),
            (428.0, "428"),
            (150.25, "150.2"),
            (69.673, "69.67"),
            (7.0234, "7.023"),
            (0.83333, "0.8333"),
            (0.000_123_45, "0.0001234"),
            (-0.5, "−0.5000"),
            (9.99996, "10.00"),
            (999.96, "1,000"),
            (0.0, "0"),
            (f64::NAN, "—"),
            (f64::INFINITY, "—"),
        ];
        for (x, expected) in cases {
            assert_eq!(number(x), expected, "{x}");
        }
    }

    #[test]
    fn fractional_numbers_are_grouped_too() {
        assert_eq!(fixed(1234.5, 1), "1,234.5");
        assert_eq!(fixed(-1_234_567.891, 2), "−1,234,567.89");
        assert_eq!(fixed(-0.0004, 2), "0.00");
        assert_eq!(fixed(999.0, 0), "999");
    }

    #[test]
    fn a_mean_is_as_precise_as_its_interval() {
        let cases = [
            // The examples: no "218.9 ± 0.3180", no "± 0" beside "± 0.0000".
            (218.9, 0.3172, "218.9 ± 0.3"),
            (218.93, 0.031, "218.9 ± 0"),
            (0.97141, 0.0, "0.9714 ± 0"),
            (428.0, 0.0, "428 ± 0"),
            (2.0, 0.5, "2.00 ± 0.50"),
            (0.97141, 0.000_001, "0.9714 ± 0"),
            (69.673, 0.53, "69.67 ± 0.53"),
            (69.673, 5.3, "69.7 ± 5.3"),
            (5.4, 12.3, "5 ± 12"),
            (1_656_752.3, 12_345.0, "1,657,000 ± 12,000"),
            (144_795_483.0, 38_782.0, "144,795,000 ± 39,000"),
            (2_180_000.4, 150.0, "2,180,000 ± 150"),
            (21_234.0, 99.4, "21,234 ± 99"),
            (0.0, 0.0123, "0 ± 0.012"),
            (-3.21, 0.5, "−3.21 ± 0.50"),
            (2.0, f64::NAN, "2"),
            (2.5, f64::NAN, "2.500"),
            (f64::NAN, 1.0, "—"),
        ];
        for (mean, hw, expected) in cases {
            assert_eq!(plus_minus(mean, hw), expected, "{mean} ± {hw}");
        }
    }
}
