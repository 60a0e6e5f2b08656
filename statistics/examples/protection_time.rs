//! How long protecting the three complaint tables takes (24 months by 5 statuses, 9 categories, 4
//! acknowledgement bins, one system), for a quiet, a mixed and a busy office; figures, not a test:
//! `cargo run --release -p statistics --features protection --example protection_time`
use statistics::suppression::Protection;
fn main() {
    for (label, per_cell) in [("quiet (0-4 a cell)", 5u64), ("mixed (0-29 a cell)", 30), ("busy (0-199)", 200)] {
        let mut state: u64 = 42;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % per_cell
        };
        let by_month: Vec<Vec<u64>> = (0..24).map(|_| (0..5).map(|_| next()).collect()).collect();
        let grand: u64 = by_month.iter().flatten().sum();
        let mut by_category = vec![0u64; 9];
        let mut by_ack = [0u64; 4];
        for i in 0..grand as usize {
            by_category[i % 9] += 1;
            by_ack[(i * 7) % 4] += 1;
        }
        let started = std::time::Instant::now();
        let mut system = Protection::new();
        let table = system.crosstab(&by_month);
        let c: Vec<usize> = by_category.iter().map(|n| system.entry(*n)).collect();
        system.line(c, table.grand);
        let a: Vec<usize> = by_ack.iter().map(|n| system.entry(*n)).collect();
        system.line(a, table.grand);
        system.protect();
        println!("{label}: protected in {:?}", started.elapsed());
    }
}
