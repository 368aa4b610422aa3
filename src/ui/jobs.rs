//! Long work off the UI thread. A job runs on a worker thread with its own connection to the
//! database and reports its progress through a shared [`Progress`]; the frame polls its
//! [`Task`] and never waits for it. The app lists running jobs (with a progress bar and 取消)
//! and, while one writes, other writes are disabled with the reason shown.

use crate::progress::{Progress, Snapshot};
use crate::store::Store;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Weak};

/// A job as the app's job list sees it.
#[derive(Debug)]
pub struct JobInfo {
    /// What the job does (合并数据包…).
    pub label: String,
    /// Whether it writes to the database.
    pub writes: bool,
    /// Its progress and cancel flag.
    pub progress: Progress,
    /// Set by the worker when the job ended.
    done: AtomicBool,
}

/// The page's handle on one job: poll it each frame for the result.
pub struct Task<T> {
    info: Arc<JobInfo>,
    rx: Receiver<Result<T, String>>,
}

impl<T> Task<T> {
    /// The result once the job ended; `None` while it runs.
    pub fn poll(&self) -> Option<Result<T, String>> {
        match self.rx.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(crate::i18n::t("job.crashed").to_string())),
        }
    }

    /// What the job is doing now.
    pub fn snapshot(&self) -> Snapshot {
        self.info.progress.snapshot()
    }

    /// Asks the job to stop (a writing job rolls its transaction back).
    pub fn cancel(&self) {
        self.info.progress.cancel();
    }
}

/// The running jobs, for the message bar and the write lock.
#[derive(Default)]
pub struct Jobs {
    running: Vec<Weak<JobInfo>>,
}

impl Jobs {
    /// Starts `work` on a worker thread (see [`super::cx::Cx::spawn`]).
    pub fn spawn<T: Send + 'static>(
        &mut self,
        store: &Store,
        ctx: &egui::Context,
        label: String,
        writes: bool,
        work: impl FnOnce(&mut Store, &Progress) -> Result<T, String> + Send + 'static,
    ) -> Task<T> {
        let info = Arc::new(JobInfo { label, writes, progress: Progress::none(), done: AtomicBool::new(false) });
        let (tx, rx) = channel();
        let worker = store.worker();
        let thread_info = Arc::clone(&info);
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new().name("zoufang-job".into()).spawn(move || {
            let result =
                worker.map_err(|e| e.to_string()).and_then(|mut store| work(&mut store, &thread_info.progress));
            // The result is in the channel before the job counts as done: a page (or a test)
            // that sees it done finds the result on its next frame. (The page may be gone: the
            // result is then dropped.)
            let _ = tx.send(result);
            thread_info.done.store(true, Ordering::Release);
            ctx.request_repaint();
        });
        if let Err(e) = spawned {
            let (tx, rx) = channel();
            let _ = tx.send(Err(e.to_string()));
            return Task { info, rx };
        }
        self.running.push(Arc::downgrade(&info));
        Task { info, rx }
    }

    /// The jobs still running.
    pub fn running(&mut self) -> Vec<Arc<JobInfo>> {
        self.running.retain(|j| j.upgrade().is_some_and(|j| !j.done.load(Ordering::Acquire)));
        self.running.iter().filter_map(Weak::upgrade).collect()
    }

    /// Why other writes must wait, while a writing job runs.
    pub fn writing(&self) -> Option<String> {
        self.running
            .iter()
            .filter_map(Weak::upgrade)
            .find(|j| j.writes && !j.done.load(Ordering::Acquire))
            .map(|j| crate::i18n::tf("job.writes_wait", &[("job", &j.label)]))
    }
}
