//! Tick labels as a person writes them: `200`, not `200.0`; `0.3`, not `0.30000000000000004`;
//! `10⁻⁶` on log axes; integers only on iteration axes.

use crate::experiments::format_significant;

/// A label on a linear axis: the value to at most 4 significant digits, with the noise of the
/// tick arithmetic rounded away.
pub fn linear(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    // Ticks are multiples of a round step: 12 significant digits hold the value, not its noise.
    let clean: f64 = format!("{v:.11e}").parse().unwrap_or(v);
    let s = format_significant(clean, 4);
    if s == "-0" { "0".into() } else { s }
}

/// A label on an axis of counts (iterations, steps, dimensions, widths): whole numbers only.
pub fn whole(v: f64) -> String {
    if v.is_finite() && (v - v.round()).abs() < 1e-9 * v.abs().max(1.0) {
        format!("{:.0}", v.round() + 0.0)
    } else {
        String::new()
    }
}

/// A label on a log axis from `lo` to `hi`: powers of ten as `10ᵏ` (other ticks unlabelled),
/// unless the axis spans less than a decade, when every tick is labelled.
pub fn log(v: f64, lo: f64, hi: f64) -> String {
    if !(v.is_finite() && v > 0.0) {
        return String::new();
    }
    if hi / lo < 10.0 {
        return linear(v);
    }
    let k = v.log10();
    if (k - k.round()).abs() < 1e-6 { power_of_ten(k.round() as i32) } else { String::new() }
}

/// `10ᵏ` with a superscript exponent; `1` and `10` for k = 0 and 1.
pub fn power_of_ten(k: i32) -> String {
    match k {
        0 => "1".into(),
        1 => "10".into(),
        _ => {
            let sup: String = k
                .to_string()
                .chars()
                .map(|c| match c {
                    '-' => '⁻',
                    d => "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().nth(d.to_digit(10).unwrap_or(0) as usize).unwrap_or('⁰'),
                })
                .collect();
            format!("10{sup}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_carry_no_float_noise() {
        assert_eq!(linear(0.1 + 0.2), "0.3");
        assert_eq!(linear(200.0), "200");
        assert_eq!(linear(-0.0), "0");
        assert_eq!(linear(2.4999999999999996e-5), "2.5e-5");
        assert_eq!(linear(1234.5678), "1235");
        assert_eq!(whole(200.0), "200");
        assert_eq!(whole(12.5), "");
        assert_eq!(log(1e-6, 1e-9, 1.0), "10⁻⁶");
        assert_eq!(log(1e16, 1.0, 1e20), "10¹⁶");
        assert_eq!(log(100.0, 1.0, 1e4), "10²");
        assert_eq!(log(3e-6, 1e-9, 1.0), "");
        assert_eq!(log(0.3, 0.2, 0.9), "0.3");
    }
}
