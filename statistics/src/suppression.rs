//! Small-cell suppression for the complaint-handling statistics, where a count of 3 in a month and a
//! category could point at a person.
//!
//! The rule (stated on the page): every count under [`THRESHOLD`] — a cell or a total, zero included —
//! is hidden (primary suppression). Then, while any hidden count could be worked out from what is
//! shown, one more count is hidden (complementary suppression), choosing the smallest shown cell of a
//! row or column that gives the hidden one away. Every hidden count shows the same mark, `x`: a page
//! that marked the small ones `<10` and the others "10 or more" would publish bounds that by themselves
//! narrow some counts (two `<10` parts of an `x` total are each at least 1), whatever else is hidden.
//! So all a reader knows of a hidden count is that it is a whole number, not negative. "Worked out"
//! means any of:
//! - exactly, by adding and subtracting shown counts along rows, columns and totals (any linear
//!   combination of the tables' additive relations, checked by Gaussian elimination);
//! - to a single value, by bounds pushed along every relation until nothing changes;
//! - to a narrow range: a small count known to be 0 or 1 (say, a total of 42 beside a shown 41)
//!   reveals almost as much as the count itself. As statistical offices do (tau-ARGUS, sdcTable), each
//!   hidden count's feasible range given everything published is computed exactly by linear
//!   programming (minimise and maximise it subject to every relation), and must hold at least
//!   [`PROTECTION_SPAN`] whole values: no fewer than the ten (0 to 9) a small count could have.
//!   The two passes above are quick cases of this one, run first because they are cheap.
//!
//! Tables that share a count (every complaint table ends in the same grand total) are protected as one
//! system, so what one table hides another cannot show.

use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOutcome};

/// Counts under this are never shown.
pub const THRESHOLD: u64 = 10;

/// How many whole values every hidden count must keep possible: as many as "under 10" allows.
pub const PROTECTION_SPAN: u64 = THRESHOLD;

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

/// The last protection computed, reused while the counts stay the same: protecting can take a tenth of
/// a second for a quiet office (many small counts, many ranges to solve), and pages are built per
/// request.
#[derive(Default)]
pub struct Memo(std::sync::Mutex<Option<Protection>>);

impl Protection {
    /// [`Protection::protect`], or the same result again if `memo` holds this very system.
    pub fn protect_with(&mut self, memo: &Memo) {
        let last = || memo.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(done) = last().as_ref().filter(|done| done.values == self.values && done.lines == self.lines) {
            self.visibility = done.visibility.clone();
            return;
        }
        // Not under the lock: a request that finds it taken must not wait on another's computation.
        self.protect();
        *last() = Some(self.clone());
    }

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
                None => self.exposed().or_else(|| self.narrow()),
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

    /// A hidden count whose feasible range holds fewer than [`PROTECTION_SPAN`] values, if any: the
    /// small ones first, since they are what the protection is for.
    pub fn narrow(&self) -> Option<usize> {
        let mut hidden: Vec<usize> = (0..self.values.len()).filter(|e| self.hidden(*e)).collect();
        hidden.sort_by_key(|e| (self.visibility[*e] != Visibility::Small, *e));
        hidden.into_iter().find(|e| match self.feasible_range(*e) {
            Some((low, high)) => high.is_some_and(|high| high - low + 1 < PROTECTION_SPAN),
            // The solver could not answer: what cannot be shown to be protected is not.
            None => true,
        })
    }

    /// The smallest and largest value hidden count `entry` can take given everything published
    /// (`None` for no upper limit), by linear programming over the hidden counts; `None` if the solver
    /// fails. The relations are those of whole counts, so the range is rounded inwards to whole values.
    pub fn feasible_range(&self, entry: usize) -> Option<(u64, Option<u64>)> {
        let low = self.optimum(entry, OptimizationDirection::Minimize)?;
        let high = self.optimum(entry, OptimizationDirection::Maximize)?;
        const SLACK: f64 = 1e-6;
        let low = (low? - SLACK).ceil().max(0.0) as u64;
        Some((low, high.map(|high| (high + SLACK).floor() as u64)))
    }

    /// The optimum of `entry` in `direction` (`Some(None)` when unbounded), or `None` if the solver fails.
    fn optimum(&self, entry: usize, direction: OptimizationDirection) -> Option<Option<f64>> {
        let mut problem = Problem::new(direction);
        let mut variables = vec![None; self.values.len()];
        for (e, variable) in variables.iter_mut().enumerate() {
            if self.hidden(e) {
                *variable = Some(problem.add_var(if e == entry { 1.0 } else { 0.0 }, (0.0, f64::INFINITY)));
            }
        }
        for (parts, total) in &self.lines {
            // parts - total = 0, with the shown counts moved to the right-hand side.
            let terms = parts.iter().map(|p| (*p, 1.0)).chain([(*total, -1.0)]);
            let mut expression = Vec::new();
            let mut rhs = 0.0;
            for (e, sign) in terms {
                match variables[e] {
                    Some(variable) => expression.push((variable, sign)),
                    None => rhs -= sign * self.values[e] as f64,
                }
            }
            if !expression.is_empty() {
                problem.add_constraint(expression, ComparisonOp::Eq, rhs);
            }
        }
        match problem.solve() {
            Ok(SolveOutcome::Solution(solution)) => Some(Some(solution.objective())),
            Err(microlp::Error::Unbounded) => Some(None),
            _ => None,
        }
    }

    /// A hidden count whose bounds close to one value.
    fn pinned_by_bounds(&self) -> Option<usize> {
        const UNBOUNDED: u64 = u64::MAX / 4;
        let mut low: Vec<u64> = Vec::with_capacity(self.values.len());
        let mut high: Vec<u64> = Vec::with_capacity(self.values.len());
        for (entry, value) in self.values.iter().enumerate() {
            let (lo, hi) = match self.visibility[entry] {
                Visibility::Shown => (*value, *value),
                Visibility::Small | Visibility::Complementary => (0, UNBOUNDED),
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
        let ranges: Vec<(u64, u64)> = hidden.iter().map(|_| (0, limit)).collect();
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

    /// One line of `parts` and their total, protected; the system, the parts' handles and the total's.
    fn protected_line(parts: &[u64]) -> (Protection, Vec<usize>, usize) {
        let mut system = Protection::new();
        let handles: Vec<usize> = parts.iter().map(|n| system.entry(*n)).collect();
        let total = system.entry(parts.iter().sum());
        system.line(handles.clone(), total);
        system.protect();
        (system, handles, total)
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
    fn one_mark_for_every_hidden_count_publishes_no_bounds_of_its_own() {
        // Row: 0 + 10 + 50 = 60. Were the 10 known to be "10 or more", the 0 would be pinned; with one
        // mark for both, each of the two is anywhere in 0..=10.
        let (system, parts, _) = protected_line(&[0, 10, 50]);
        assert_eq!(system.visibility(parts[1]), Visibility::Complementary);
        assert_eq!(system.visibility(parts[2]), Visibility::Shown);
        assert_eq!(system.feasible_range(parts[0]), Some((0, Some(10))));
        assert_eq!(system.feasible_range(parts[1]), Some((0, Some(10))));
        let seen = possible_values(&system, 60);
        assert_eq!(seen[parts[0]].len(), 11);
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

    /// Every hidden count keeps at least [`PROTECTION_SPAN`] possible values, by the solver's ranges.
    fn assert_intervals_protected(system: &Protection, what: &str) {
        for e in (0..system.values.len()).filter(|e| system.hidden(*e)) {
            let (low, high) = system.feasible_range(e).expect("the solver answers");
            assert!(low <= system.values[e] && high.is_none_or(|high| system.values[e] <= high), "{what}: {e}");
            if let Some(high) = high {
                assert!(high - low + 1 >= PROTECTION_SPAN, "{what}: entry {e} is known to lie in {low}..={high}");
            }
        }
    }

    #[test]
    fn a_total_beside_a_shown_count_cannot_narrow_the_small_ones() {
        // «Recibida» 41 and a total of 42 tell that the two hidden counts sum to 1: neither is pinned,
        // but each is known to be 0 or 1. The 41 must go too.
        let (system, parts, total) = protected_line(&[41, 1, 0]);
        assert_eq!(system.visibility(parts[0]), Visibility::Complementary);
        assert_eq!(system.visibility(total), Visibility::Shown);
        for part in &parts {
            assert_eq!(system.feasible_range(*part), Some((0, Some(42))));
        }
        assert_intervals_protected(&system, "41 + 1 + 0 = 42");
    }

    #[test]
    fn the_memo_gives_the_same_protection_and_notices_a_change() {
        let memo = Memo::default();
        let build = |counts: &[&[u64]]| crosstab(counts).0;
        let (mut fresh, mut again, mut changed) =
            (build(&[&[3, 40], &[25, 30]]), build(&[&[3, 40], &[25, 30]]), build(&[&[30, 40], &[25, 30]]));
        fresh.protect_with(&memo);
        again.protect_with(&memo);
        assert_eq!(fresh.visibility, again.visibility);
        assert!(fresh.visibility.contains(&Visibility::Small));
        changed.protect_with(&memo);
        assert!(!changed.visibility.iter().any(|v| *v != Visibility::Shown), "no count under 10 any more");
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
            assert_intervals_protected(&system, &format!("{rows:?}"));
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
                // The solver's range is exactly what enumeration finds (up to the enumeration's cap).
                let (low, high) = system.feasible_range(e).unwrap();
                assert_eq!(Some(&low), seen[e].iter().min(), "{rows:?}: entry {e}");
                if let Some(high) = high {
                    assert_eq!(Some(&high), seen[e].iter().max(), "{rows:?}: entry {e}");
                }
            }
            checked += usize::from(hidden > 0);
        }
        assert!(checked >= 10, "only {checked} tables with hidden counts were enumerated");
    }
}
