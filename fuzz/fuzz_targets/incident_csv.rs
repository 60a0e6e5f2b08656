//! libFuzzer target: `portal_fuzz::incident_csv` in fuzz/src/lib.rs, which says what it checks.
//! The same function runs without libFuzzer in fuzz/tests/regressions.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    portal_fuzz::incident_csv(data);
});
