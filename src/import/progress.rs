//! How far the run is: a bar on a terminal, a plain line per restaurant
//! otherwise (a log file or a pipe gets no control characters).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

pub enum Progress {
    Bar(ProgressBar),
    Lines { done: usize, total: usize },
}

impl Progress {
    pub fn new(total: usize) -> Self {
        if !std::io::stderr().is_terminal() {
            return Progress::Lines { done: 0, total };
        }
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} restaurants, {elapsed} {msg}")
                .expect("a valid template"),
        );
        Progress::Bar(bar)
    }

    /// One restaurant done, named with how it went.
    pub fn done(&mut self, name: &str, outcome: &str) {
        match self {
            Progress::Bar(bar) => {
                bar.set_message(format!("{name}: {outcome}"));
                bar.inc(1);
            }
            Progress::Lines { done, total } => {
                *done += 1;
                eprintln!("[{done}/{total}] {name}: {outcome}");
            }
        }
    }

    pub fn finish(self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
