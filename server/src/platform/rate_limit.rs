//! The global submission rate limit: a fixed one-minute window over all reporters together, because
//! the portal keeps no per-address state. Twenty lines do not justify a rate-limiting crate.

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct GlobalRateLimit {
    per_minute: u32,
    window: Mutex<(Instant, u32)>,
}

impl GlobalRateLimit {
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, window: Mutex::new((Instant::now(), 0)) }
    }

    /// Gives back one counted use (a lookup that turned out right, which the limit does not count).
    pub fn release(&self) {
        let mut window = self.window.lock().expect("not poisoned");
        window.1 = window.1.saturating_sub(1);
    }

    /// Counts one submission; `false` once this minute's allowance is used up.
    pub fn try_acquire(&self) -> bool {
        let mut window = self.window.lock().expect("not poisoned");
        if window.0.elapsed() >= Duration::from_secs(60) {
            *window = (Instant::now(), 0);
        }
        if window.1 >= self.per_minute {
            return false;
        }
        window.1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_configured_number_per_minute() {
        let limit = GlobalRateLimit::new(3);
        assert_eq!([(); 5].map(|_| limit.try_acquire()), [true, true, true, false, false]);
        limit.window.lock().unwrap().0 -= Duration::from_secs(61);
        assert!(limit.try_acquire(), "a new minute starts a new allowance");
        assert!(limit.try_acquire() && limit.try_acquire() && !limit.try_acquire());
        limit.release();
        assert!(limit.try_acquire(), "a use given back can be taken again");
    }
}
