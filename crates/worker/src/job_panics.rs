//! Owns turning a panic inside a job into that job's error, so that one job's bug fails the
//! job (retried, then kept as dead with the panic's message) and never takes the worker
//! process or its other jobs down.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;

/// Runs `job`; a panic while it runs becomes an error naming the panic.
pub async fn catching_panics<T>(job: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    match AssertUnwindSafe(job).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            let line = message.lines().next().unwrap_or_default();
            Err(anyhow::anyhow!("the job panicked: {line}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_the_jobs_error() {
        let failed = catching_panics(async {
            if "x".len() == 1 {
                panic!("index out of range\nsecond line");
            }
            Ok(1)
        })
        .await;
        let message = format!("{:#}", failed.expect_err("panicked"));
        assert_eq!(message, "the job panicked: index out of range");
        let fine = catching_panics(async { Ok::<_, anyhow::Error>(2) }).await;
        assert_eq!(fine.expect("ran"), 2);
    }
}
