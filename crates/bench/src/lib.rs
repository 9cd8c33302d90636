//! The measurements behind BENCHMARKS.md: a synthetic article corpus, populating a database of
//! any size with it, the multi-process worker benchmark, and the evaluation of story
//! clustering. The `tidings-bench` binary runs them; nothing here ships in `tidings`.

pub mod bench_population;
pub mod bench_workers;
pub mod story_eval;
pub mod synthetic;
