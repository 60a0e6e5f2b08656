//! Small-cell suppression for the complaint-handling statistics, where a count of 3 in a month and a
//! category could point at a person.
//!
//! The rule (stated on the page): every count under [`THRESHOLD`] — a cell or a total, zero included —
//! is shown as `<10` (primary suppression). Then, while any hidden count could be worked out from what
//! is shown, one more count is hidden and shown as `x` (complementary suppression), choosing the smallest
//! shown cell of a row or column that gives the hidden one away. "Worked out" means either of:
//! - exactly, by adding and subtracting shown counts along rows, columns and totals (any linear
//!   combination of the tables' additive relations, checked by Gaussian elimination), or
//! - to a single value, by bounds: counts are never negative, `<10` cells are at most 9, and an `x`
//!   cell is known to be at least 10 (else it would show `<10`); bounds are pushed along every relation
//!   until nothing changes.
//!
//! Tables that share a count (every complaint table ends in the same grand total) are protected as one
//! system, so what one table hides another cannot show.

/// Counts under this are never shown.
pub const THRESHOLD: u64 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    Shown,
    /// Under the threshold.
    Small,
    /// Hidden to protect a small count.
    Complementary,
}

/// The handles of a table added by [`Protection::crosstab`].
#[derive(Clone, Debug)]
pub struct Crosstab {
    pub cells: Vec<Vec<usize>>,
    pub row_totals: Vec<usize>,
    pub column_totals: Vec<usize>,
    pub grand: usize,
}

/// Published counts ("entries") and the additive relations between them ("lines": the parts add up
/// to the total).
#[derive(Clone, Debug, Default)]
pub struct Protection {
    values: Vec<u64>,
    lines: Vec<(Vec<usize>, usize)>,
    visibility: Vec<Visibility>,
}

impl Protection {
    pub fn new() -> Protection {
        Protection::default()
    }

    /// Adds a count; returns its handle.
    pub fn entry(&mut self, value: u64) -> usize {
        self.values.push(value);
        self.visibility.push(Visibility::Shown);
        self.values.len() - 1
    }

    /// Declares that `parts` add up to `total`.
    pub fn line(&mut self, parts: Vec<usize>, total: usize) {
        debug_assert_eq!(
            parts.iter().map(|p| self.values[*p]).sum::<u64>(),
            self.values[total],
            "a line's parts must add up to its total"
        );
        self.lines.push((parts, total));
    }

    /// Adds a table of counts with its row totals, column totals and grand total, and the lines that
    /// bind them (each row to its total, each column to its total, both totals to the grand total).
    pub fn crosstab(&mut self, counts: &[Vec<u64>]) -> Crosstab {
        let columns = counts.first().map_or(0, Vec::len);
        let cells: Vec<Vec<usize>> = counts.iter().map(|row| row.iter().map(|n| self.entry(*n)).collect()).collect();
        let row_totals: Vec<usize> = counts.iter().map(|row| self.entry(row.iter().sum())).collect();
        let column_totals: Vec<usize> =
            (0..columns).map(|c| self.entry(counts.iter().map(|row| row[c]).sum())).collect();
        let grand = self.entry(counts.iter().flatten().sum());
        for (row, total) in cells.iter().zip(&row_totals) {
            self.line(row.clone(), *total);
        }
        for (c, total) in column_totals.iter().enumerate() {
            self.line(cells.iter().map(|row| row[c]).collect(), *total);
        }
        self.line(row_totals.clone(), grand);
        self.line(column_totals.clone(), grand);
        Crosstab { cells, row_totals, column_totals, grand }
    }

    pub fn visibility(&self, entry: usize) -> Visibility {
        self.visibility[entry]
    }

    pub fn value(&self, entry: usize) -> u64 {
        self.values[entry]
    }

    fn hidden(&self, entry: usize) -> bool {
        self.visibility[entry] != Visibility::Shown
    }

    /// Applies the rule in the module's documentation.
    pub fn protect(&mut self) {
        for (entry, value) in self.values.iter().enumerate() {
            if *value < THRESHOLD {
                self.visibility[entry] = Visibility::Small;
            }
        }
        // A line with one hidden count gives it away by subtraction: the usual first pass.
        loop {
            let single = self
                .lines
                .iter()
                .position(|(parts, total)| parts.iter().chain([total]).filter(|e| self.hidden(**e)).count() == 1);
            let exposed = match single {
                Some(line) => Some(
                    self.lines[line]
                        .0
                        .iter()
                        .chain([&self.lines[line].1])
                        .copied()
                        .find(|e| self.hidden(*e))
                        .expect("one hidden"),
                ),
                None => self.exposed(),
            };
            let Some(exposed) = exposed else { return };
            let next = self.partner_for(exposed);
            self.visibility[next] = Visibility::Complementary;
        }
    }

    /// The count to hide next so that `exposed` is no longer given away: the smallest shown part of
    /// one of its lines, else a shown total of one, else the smallest shown count anywhere.
    fn partner_for(&self, exposed: usize) -> usize {
        let mine = self.lines.iter().filter(|(parts, total)| *total == exposed || parts.contains(&exposed));
        let shown_parts = mine.clone().flat_map(|(parts, _)| parts.iter().copied()).filter(|e| !self.hidden(*e));
        let shown_totals = mine.map(|(_, total)| *total).filter(|e| !self.hidden(*e));
        let anywhere = (0..self.values.len()).filter(|e| !self.hidden(*e));
        shown_parts
            .min_by_key(|e| (self.values[*e], *e))
            .or_else(|| shown_totals.min_by_key(|e| (self.values[*e], *e)))
            .or_else(|| anywhere.min_by_key(|e| (self.values[*e], *e)))
            .expect("an exposed count leaves something shown")
    }

    /// A hidden count that what is shown gives away, if any.
    pub fn exposed(&self) -> Option<usize> {
        self.exposed_exactly().or_else(|| self.pinned_by_bounds())
    }

    /// A hidden count equal to a linear combination of shown counts: `e_k` lies in the row space of the
    /// relations restricted to hidden counts (in reduced row echelon form, a pivot row with no other
    /// non-zero entry).
    fn exposed_exactly(&self) -> Option<usize> {
        let unknowns: Vec<usize> = (0..self.values.len()).filter(|e| self.hidden(*e)).collect();
        let column_of = |entry: usize| unknowns.binary_search(&entry).ok();
        let mut rows: Vec<Vec<f64>> = self
            .lines
            .iter()
            .map(|(parts, total)| {
                let mut row = vec![0.0; unknowns.len()];
                for part in parts {
                    if let Some(c) = column_of(*part) {
                        row[c] += 1.0;
                    }
                }
                if let Some(c) = column_of(*total) {
                    row[c] -= 1.0;
                }
                row
            })
            .collect();
        let mut pivot_row = 0;
        let mut pivots = Vec::new();
        for column in 0..unknowns.len() {
            let Some(best) =
                (pivot_row..rows.len()).max_by(|a, b| rows[*a][column].abs().total_cmp(&rows[*b][column].abs()))
            else {
                break;
            };
            if rows[best][column].abs() < 1e-9 {
                continue;
            }
            rows.swap(pivot_row, best);
            let scale = rows[pivot_row][column];
            rows[pivot_row].iter_mut().for_each(|x| *x /= scale);
            let pivot = rows[pivot_row].clone();
            for (index, row) in rows.iter_mut().enumerate() {
                let factor = row[column];
                if index != pivot_row && factor.abs() > 1e-12 {
                    row.iter_mut().zip(&pivot).for_each(|(x, p)| *x -= factor * p);
                }
            }
            pivots.push((pivot_row, column));
            pivot_row += 1;
        }
        pivots
            .into_iter()
            .find(|(row, column)| rows[*row].iter().enumerate().all(|(c, x)| c == *column || x.abs() < 1e-9))
            .map(|(_, column)| unknowns[column])
    }

    /// A hidden count whose bounds close to one value.
    fn pinned_by_bounds(&self) -> Option<usize> {
        const UNBOUNDED: u64 = u64::MAX / 4;
        let mut low: Vec<u64> = Vec::with_capacity(self.values.len());
        let mut high: Vec<u64> = Vec::with_capacity(self.values.len());
        for (entry, value) in self.values.iter().enumerate() {
            let (lo, hi) = match self.visibility[entry] {
                Visibility::Shown => (*value, *value),
                Visibility::Small => (0, THRESHOLD - 1),
                Visibility::Complementary => (THRESHOLD, UNBOUNDED),
            };
            low.push(lo);
            high.push(hi);
        }
        for _ in 0..64 {
            let mut changed = false;
            for (parts, total) in &self.lines {
                let parts_low: u64 = parts.iter().map(|p| low[*p]).sum();
                let parts_high = parts.iter().fold(0u64, |sum, p| sum.saturating_add(high[*p])).min(UNBOUNDED);
                // The total lies within the sums of its parts' bounds…
                if parts_low > low[*total] {
                    low[*total] = parts_low;
                    changed = true;
                }
                if parts_high < high[*total] {
                    high[*total] = parts_high;
                    changed = true;
                }
                // …and each part within the total's bounds less the others'.
                for part in parts {
                    let others = parts.iter().filter(|q| *q != part);
                    let others_low: u64 = others.clone().map(|q| low[*q]).sum();
                    let others_high = others.fold(0u64, |sum, q| sum.saturating_add(high[*q])).min(UNBOUNDED);
                    let new_high = high[*total].saturating_sub(others_low);
                    let new_low = if others_high >= UNBOUNDED { 0 } else { low[*total].saturating_sub(others_high) };
                    if new_high < high[*part] {
                        high[*part] = new_high;
                        changed = true;
                    }
                    if new_low > low[*part] {
                        low[*part] = new_low;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        (0..self.values.len()).find(|e| self.hidden(*e) && low[*e] >= high[*e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crosstab(cells: &[&[u64]]) -> (Protection, Vec<Vec<usize>>) {
        let mut system = Protection::new();
        let counts: Vec<Vec<u64>> = cells.iter().map(|row| row.to_vec()).collect();
        let table = system.crosstab(&counts);
        (system, table.cells)
    }

    /// Every assignment of the hidden counts that agrees with what is published, by brute force: the
    /// independent check that no hidden count has only one possible value.
    fn possible_values(system: &Protection, limit: u64) -> Vec<std::collections::BTreeSet<u64>> {
        let hidden: Vec<usize> = (0..system.values.len()).filter(|e| system.hidden(*e)).collect();
        let ranges: Vec<(u64, u64)> = hidden
            .iter()
            .map(|e| match system.visibility(*e) {
                Visibility::Small => (0, 9),
                _ => (10, limit),
            })
            .collect();
        let mut seen = vec![std::collections::BTreeSet::new(); system.values.len()];
        let mut current: Vec<u64> = system.values.clone();
        let mut assigned: Vec<bool> = (0..system.values.len()).map(|e| !system.hidden(e)).collect();
        struct Search<'a> {
            system: &'a Protection,
            hidden: &'a [usize],
            ranges: &'a [(u64, u64)],
        }
        impl Search<'_> {
            fn run(
                &self,
                index: usize,
                current: &mut Vec<u64>,
                assigned: &mut Vec<bool>,
                seen: &mut Vec<std::collections::BTreeSet<u64>>,
            ) {
                // Prune: every line whose counts are all known must add up.
                let consistent = self.system.lines.iter().all(|(parts, total)| {
                    !parts.iter().chain([total]).all(|e| assigned[*e])
                        || parts.iter().map(|p| current[*p]).sum::<u64>() == current[*total]
                });
                if !consistent {
                    return;
                }
                if index == self.hidden.len() {
                    for e in self.hidden {
                        seen[*e].insert(current[*e]);
                    }
                    return;
                }
                let entry = self.hidden[index];
                assigned[entry] = true;
                for value in self.ranges[index].0..=self.ranges[index].1 {
                    current[entry] = value;
                    self.run(index + 1, current, assigned, seen);
                }
                assigned[entry] = false;
            }
        }
        Search { system, hidden: &hidden, ranges: &ranges }.run(0, &mut current, &mut assigned, &mut seen);
        seen
    }

    #[test]
    fn a_lone_small_cell_gets_a_partner_in_its_row_and_column() {
        let (mut system, cells) = crosstab(&[&[3, 40, 12], &[25, 30, 18]]);
        system.protect();
        assert_eq!(system.visibility(cells[0][0]), Visibility::Small);
        assert_eq!(system.visibility(cells[0][2]), Visibility::Complementary, "smallest shown in the row");
        assert_eq!(system.visibility(cells[1][0]), Visibility::Complementary, "column partner");
        assert_eq!(system.visibility(cells[1][2]), Visibility::Complementary, "closes the rectangle");
        assert_eq!(system.exposed(), None);
        let seen = possible_values(&system, 60);
        for e in [cells[0][0], cells[0][2], cells[1][0], cells[1][2]] {
            assert!(seen[e].len() > 1, "entry {e} has one possible value: {:?}", seen[e]);
        }
    }

    #[test]
    fn bounds_give_away_a_small_cell_whose_partner_is_just_ten() {
        // Row: 0 + 10 + 50 = 60. Hiding 0 and 10 looks safe by the two-per-line rule, but the 10 is
        // known to be at least 10, so the 0 is pinned: a third cell must go.
        let mut system = Protection::new();
        let parts = vec![system.entry(0), system.entry(10), system.entry(50)];
        let total = system.entry(60);
        system.line(parts.clone(), total);
        system.protect();
        assert_eq!(system.visibility(parts[2]), Visibility::Complementary);
        let seen = possible_values(&system, 60);
        assert!(seen[parts[0]].len() > 1 && seen[parts[1]].len() > 1);
    }

    #[test]
    fn a_bridge_between_two_hidden_rectangles_is_not_left_derivable() {
        let (mut system, cells) = crosstab(&[&[5, 4, 30, 40], &[6, 7, 35, 45], &[50, 60, 2, 3], &[55, 65, 8, 1]]);
        system.protect();
        assert_eq!(system.exposed(), None);
        for row in &cells {
            for cell in row {
                if system.value(*cell) < THRESHOLD {
                    assert_ne!(system.visibility(*cell), Visibility::Shown);
                }
            }
        }
    }

    #[test]
    fn random_tables_never_expose_a_small_count() {
        // A fixed linear congruential sequence: reproducible tables full of small counts.
        let mut state: u64 = 0x5eed;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % 40
        };
        for _ in 0..200 {
            let rows: Vec<Vec<u64>> = (0..3).map(|_| (0..3).map(|_| next()).collect()).collect();
            let refs: Vec<&[u64]> = rows.iter().map(|r| r.as_slice()).collect();
            let (mut system, _) = crosstab(&refs);
            system.protect();
            assert_eq!(system.exposed(), None, "{rows:?}");
            for (parts, total) in &system.lines {
                let hidden = parts.iter().chain([total]).filter(|e| system.hidden(**e)).count();
                assert_ne!(hidden, 1, "{rows:?}");
            }
            for e in 0..system.values.len() {
                if system.values[e] < THRESHOLD {
                    assert_eq!(system.visibility(e), Visibility::Small);
                }
            }
        }
    }

    #[test]
    fn brute_force_agrees_on_small_random_tables() {
        let mut state: u64 = 77;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % 25
        };
        let mut checked = 0;
        for _ in 0..40 {
            let rows: Vec<Vec<u64>> = (0..2).map(|_| (0..3).map(|_| next()).collect()).collect();
            let refs: Vec<&[u64]> = rows.iter().map(|r| r.as_slice()).collect();
            let (mut system, _) = crosstab(&refs);
            system.protect();
            let hidden = (0..system.values.len()).filter(|e| system.hidden(*e)).count();
            if hidden > 7 {
                continue; // too many to enumerate quickly; covered by the exact checks above
            }
            let grand: u64 = rows.iter().flatten().sum();
            let seen = possible_values(&system, grand.max(10));
            for e in (0..system.values.len()).filter(|e| system.hidden(*e)) {
                assert!(seen[e].len() > 1, "{rows:?}: entry {e} can only be {:?}", seen[e]);
            }
            checked += usize::from(hidden > 0);
        }
        assert!(checked >= 10, "only {checked} tables with hidden counts were enumerated");
    }
}
