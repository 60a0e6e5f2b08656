//! Late-payment interest (interés moratorio): the monthly rate the municipality sets (TIM) applies
//! from the day after the due date to the day of the statement, as a daily rate of a thirtieth of the
//! monthly one (Código Tributario, art. 33), simple interest on the principal plus its adjustment.
//! Integer céntimos throughout, rounded half up once at the end.

use time::Date;

/// Interest on `base` céntimos due on `due`, read on `today`, at `monthly_bp` basis points a month.
pub fn late_interest(base: i64, due: Date, today: Date, monthly_bp: u32) -> i64 {
    let days = (today - due).whole_days();
    if days <= 0 || base <= 0 {
        return 0;
    }
    // base × bp/10 000 × days/30, in i128 so no amount of debt overflows; + half the divisor rounds.
    let numerator = i128::from(base) * i128::from(monthly_bp) * i128::from(days);
    let divisor = 10_000i128 * 30;
    ((numerator + divisor / 2) / divisor) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn interest_runs_from_the_day_after_the_due_date() {
        // S/ 1 000.00 at 0.90 % a month for 30 days: S/ 9.00.
        assert_eq!(late_interest(100_000, date!(2026 - 02 - 28), date!(2026 - 03 - 30), 90), 900);
        assert_eq!(late_interest(100_000, date!(2026 - 02 - 28), date!(2026 - 02 - 28), 90), 0, "not on the due day");
        assert_eq!(late_interest(100_000, date!(2026 - 02 - 28), date!(2026 - 02 - 01), 90), 0, "not before it");
        // One day: 1 000.00 × 0.009 / 30 = 0.30.
        assert_eq!(late_interest(100_000, date!(2026 - 02 - 28), date!(2026 - 03 - 01), 90), 30);
        // Rounding half up: 1.00 × 0.009 × 1/30 = 0.0003 → 0; 55.56 × 0.009 × 1/30 = 0.0167 → 0.02.
        assert_eq!(late_interest(100, date!(2026 - 02 - 28), date!(2026 - 03 - 01), 90), 0);
        assert_eq!(late_interest(5_556, date!(2026 - 02 - 28), date!(2026 - 03 - 01), 90), 2);
    }
}
