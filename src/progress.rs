//! What a long job is doing, shared between the thread doing it and the window drawing it:
//! a step ("合并 visits"), how many of how many, and a request to stop. The work checks
//! [`Progress::cancelled`] between steps and, when asked, rolls its transaction back.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Progress of one job. Cheap to update from a tight loop; read by the frame.
#[derive(Debug, Default)]
pub struct Progress {
    step: Mutex<String>,
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
}

/// A reading of a [`Progress`] for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// What is being done, in the user's language.
    pub step: String,
    /// Units done of `total` (rows, households, sheets).
    pub done: u64,
    /// Units in the step; 0 when unknown.
    pub total: u64,
}

impl Progress {
    /// A progress that nobody watches (for the command line and tests).
    pub fn none() -> Self {
        Progress::default()
    }

    /// Starts a step of `total` units (0: unknown).
    pub fn step(&self, what: impl Into<String>, total: u64) {
        if let Ok(mut s) = self.step.lock() {
            *s = what.into();
        }
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    /// Sets how many units of the step are done.
    pub fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// Counts `n` more units done.
    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// Asks the job to stop at its next check.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether stopping was asked for.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The current step and counts.
    pub fn snapshot(&self) -> Snapshot {
        let step = self.step.lock().map(|s| s.clone()).unwrap_or_default();
        Snapshot { step, done: self.done.load(Ordering::Relaxed), total: self.total.load(Ordering::Relaxed) }
    }
}

impl Snapshot {
    /// The step with its count ("读取台账数据 · 120 / 500"), or the step alone while its total is
    /// unknown (empty before the first step).
    pub fn text(&self) -> String {
        match self.total {
            0 => self.step.clone(),
            total => format!("{} · {} / {}", self.step, self.done, total),
        }
    }

    /// The share done, 0.0–1.0, when the total is known.
    pub fn fraction(&self) -> Option<f32> {
        (self.total > 0).then(|| (self.done.min(self.total) as f64 / self.total as f64) as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_resets_the_count_and_cancel_is_seen() {
        let p = Progress::none();
        p.step("合并 visits", 200);
        p.add(50);
        assert_eq!(p.snapshot(), Snapshot { step: "合并 visits".into(), done: 50, total: 200 });
        assert_eq!(p.snapshot().fraction(), Some(0.25));
        p.step("合并 problems", 0);
        assert_eq!(p.snapshot().done, 0);
        assert_eq!(p.snapshot().fraction(), None);
        assert!(!p.cancelled());
        p.cancel();
        assert!(p.cancelled());
    }

    #[test]
    fn a_snapshot_shows_its_count_only_once_the_total_is_known() {
        let p = Progress::none();
        assert_eq!(p.snapshot().text(), "", "nothing before the first step, not 0/0");
        p.step("读取台账数据", 0);
        assert_eq!(p.snapshot().text(), "读取台账数据");
        p.step("读取台账数据", 500);
        p.add(120);
        assert_eq!(p.snapshot().text(), "读取台账数据 · 120 / 500");
    }
}
