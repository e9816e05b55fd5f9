//! `backoff_algorithm.h`: exponential backoff with full jitter, the API of
//! FreeRTOS backoffAlgorithm v1.4.1.
//!
//! Retry `k` (counting from 0) waits a random time in `0..=J(k)`, where
//! `J(0)` is the base and each later `J` doubles the previous one while that
//! stays below half the maximum; once it would not, `J` is the maximum. The
//! caller supplies the random number, so the arithmetic is deterministic.
//!
//! A crate of its own (not part of the `rsmqtt` crate) so that the two
//! exported functions sit in their own objects of the static library; the
//! CMake build puts them in `librsmqtt_backoff.a` (target `rsmqtt::backoff`),
//! and an application that compiles backoffAlgorithm itself links
//! `rsmqtt::rsmqtt` without duplicate symbols.
// Item names are the C names of backoff_algorithm.h.
#![allow(non_camel_case_types, non_snake_case)]
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]

/// Unlimited retries: pass as `maxAttempts`.
pub const BACKOFF_ALGORITHM_RETRY_FOREVER: u32 = u32::MAX;

/// Result of `BackoffAlgorithm_GetNextBackoff`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackoffAlgorithmStatus {
    /// A delay for the next retry was computed.
    BackoffAlgorithmSuccess = 0,
    /// Every allowed retry has been used.
    BackoffAlgorithmRetriesExhausted = 1,
}

/// `BackoffAlgorithmStatus_t`, the typedef applications use.
pub type BackoffAlgorithmStatus_t = BackoffAlgorithmStatus;

/// Backoff state; the application allocates it and reads its fields.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackoffAlgorithmContext {
    /// Largest delay in milliseconds.
    pub maxBackoffDelay: u16,
    /// Retries handed out so far.
    pub attemptsDone: u32,
    /// Upper bound of the next delay in milliseconds.
    pub nextJitterMax: u16,
    /// Retries allowed, or `BACKOFF_ALGORITHM_RETRY_FOREVER`.
    pub maxRetryAttempts: u32,
}

/// `BackoffAlgorithmContext_t`, the typedef applications use.
pub type BackoffAlgorithmContext_t = BackoffAlgorithmContext;

impl BackoffAlgorithmContext {
    /// A fresh context: the first delay is at most `base` ms, no delay
    /// exceeds `max` ms, and `max_attempts` retries are allowed.
    pub fn new(base: u16, max: u16, max_attempts: u32) -> Self {
        Self {
            maxBackoffDelay: max,
            attemptsDone: 0,
            nextJitterMax: base,
            maxRetryAttempts: max_attempts,
        }
    }

    /// The delay for the next retry, drawn from `random`, or `None` when the
    /// retries are exhausted.
    pub fn next_backoff(&mut self, random: u32) -> Option<u16> {
        if self.maxRetryAttempts != BACKOFF_ALGORITHM_RETRY_FOREVER
            && self.attemptsDone >= self.maxRetryAttempts
        {
            return None;
        }
        // The remainder is at most nextJitterMax, which fits in u16.
        let delay = (random % (u32::from(self.nextJitterMax) + 1)) as u16;
        self.attemptsDone = self.attemptsDone.wrapping_add(1);
        self.nextJitterMax = if self.nextJitterMax < self.maxBackoffDelay / 2 {
            self.nextJitterMax * 2
        } else {
            self.maxBackoffDelay
        };
        Some(delay)
    }
}

/// Initialises `pContext`: first delay at most `backOffBase` ms, no delay
/// above `maxBackOff` ms, `maxAttempts` retries
/// (`BACKOFF_ALGORITHM_RETRY_FOREVER` for no limit). Does nothing for NULL.
///
/// # Safety
/// `pContext` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn BackoffAlgorithm_InitializeParams(
    pContext: *mut BackoffAlgorithmContext_t,
    backOffBase: u16,
    maxBackOff: u16,
    maxAttempts: u32,
) {
    rsmqtt::ffi::guard((), || {
        if !pContext.is_null() {
            // SAFETY: non-NULL; the caller guarantees it is writable.
            unsafe {
                pContext.write(BackoffAlgorithmContext::new(
                    backOffBase,
                    maxBackOff,
                    maxAttempts,
                ))
            };
        }
    })
}

/// Computes the delay before the next retry as `randomValue % (J + 1)`, where
/// `J` is the context's current jitter bound, and advances the context.
/// Returns `BackoffAlgorithmRetriesExhausted` (leaving `*pNextBackOff`
/// untouched) when no retry is left or a pointer is NULL.
///
/// # Safety
/// Each pointer is NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn BackoffAlgorithm_GetNextBackoff(
    pRetryContext: *mut BackoffAlgorithmContext_t,
    randomValue: u32,
    pNextBackOff: *mut u16,
) -> BackoffAlgorithmStatus_t {
    rsmqtt::ffi::guard(
        BackoffAlgorithmStatus::BackoffAlgorithmRetriesExhausted,
        || {
            // SAFETY: NULL is checked by `as_mut`; the caller guarantees validity.
            let (Some(context), false) =
                (unsafe { pRetryContext.as_mut() }, pNextBackOff.is_null())
            else {
                return BackoffAlgorithmStatus::BackoffAlgorithmRetriesExhausted;
            };
            match context.next_backoff(randomValue) {
                Some(delay) => {
                    // SAFETY: checked non-NULL; the caller guarantees it is writable.
                    unsafe { pNextBackOff.write(delay) };
                    BackoffAlgorithmStatus::BackoffAlgorithmSuccess
                }
                None => BackoffAlgorithmStatus::BackoffAlgorithmRetriesExhausted,
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn layout_matches_backoff_algorithm() {
        assert_eq!(size_of::<BackoffAlgorithmContext_t>(), 16);
        assert_eq!(offset_of!(BackoffAlgorithmContext_t, maxBackoffDelay), 0);
        assert_eq!(offset_of!(BackoffAlgorithmContext_t, attemptsDone), 4);
        assert_eq!(offset_of!(BackoffAlgorithmContext_t, nextJitterMax), 8);
        assert_eq!(offset_of!(BackoffAlgorithmContext_t, maxRetryAttempts), 12);
    }

    #[test]
    fn full_jitter_sequence() {
        // base 500, max 5000: bounds 500, 1000, 2000, 4000 (2000 < 2500 doubles),
        // then 5000 (4000 is not below 2500).
        let mut context = BackoffAlgorithmContext::default();
        // SAFETY: valid pointers.
        unsafe { BackoffAlgorithm_InitializeParams(&mut context, 500, 5000, 6) };
        assert_eq!(context, BackoffAlgorithmContext::new(500, 5000, 6));
        let random = 123_456_789u32;
        let mut delays = Vec::new();
        let mut bounds = Vec::new();
        loop {
            bounds.push(context.nextJitterMax);
            let mut delay = 0xFFFF;
            // SAFETY: valid pointers.
            let status =
                unsafe { BackoffAlgorithm_GetNextBackoff(&mut context, random, &mut delay) };
            if status == BackoffAlgorithmStatus::BackoffAlgorithmRetriesExhausted {
                assert_eq!(delay, 0xFFFF);
                break;
            }
            delays.push(delay);
        }
        assert_eq!(bounds, [500, 1000, 2000, 4000, 5000, 5000, 5000]);
        // 123456789 % 501 = 369, % 1001 = 456, % 2001 = 1092, % 4001 = 1933,
        // % 5001 = 2103.
        assert_eq!(delays, [369, 456, 1092, 1933, 2103, 2103]);
        assert_eq!(context.attemptsDone, 6);
    }

    #[test]
    fn doubling_stops_at_half_the_maximum() {
        // 100 < 150 doubles to 200; 200 is not below 150, so the bound becomes 300.
        let mut context = BackoffAlgorithmContext::new(100, 300, BACKOFF_ALGORITHM_RETRY_FOREVER);
        assert_eq!(
            context.next_backoff(u32::MAX),
            Some((u32::MAX % 101) as u16)
        );
        assert_eq!(context.nextJitterMax, 200);
        assert_eq!(context.next_backoff(0), Some(0));
        assert_eq!(context.nextJitterMax, 300);
        // A base above the maximum is used once, then clamped.
        let mut context = BackoffAlgorithmContext::new(1000, 10, 3);
        assert_eq!(context.next_backoff(999), Some(999));
        assert_eq!(context.nextJitterMax, 10);
        assert_eq!(context.next_backoff(999), Some(999 % 11));
    }

    #[test]
    fn zero_attempts_and_forever() {
        let mut none = BackoffAlgorithmContext::new(10, 100, 0);
        assert_eq!(none.next_backoff(5), None);
        let mut forever =
            BackoffAlgorithmContext::new(10, u16::MAX, BACKOFF_ALGORITHM_RETRY_FOREVER);
        forever.attemptsDone = u32::MAX - 1;
        for _ in 0..4 {
            assert!(forever.next_backoff(7).is_some());
        }
        assert_eq!(forever.attemptsDone, 2);
        // The bound never exceeds u16 even at the largest maximum.
        assert_eq!(forever.nextJitterMax, 160);
    }

    #[test]
    fn null_arguments() {
        let mut delay = 0;
        let mut context = BackoffAlgorithmContext::new(1, 2, 3);
        // SAFETY: NULL or valid pointers.
        unsafe {
            BackoffAlgorithm_InitializeParams(core::ptr::null_mut(), 1, 2, 3);
            assert_eq!(
                BackoffAlgorithm_GetNextBackoff(core::ptr::null_mut(), 1, &mut delay),
                BackoffAlgorithmStatus::BackoffAlgorithmRetriesExhausted
            );
            assert_eq!(
                BackoffAlgorithm_GetNextBackoff(&mut context, 1, core::ptr::null_mut()),
                BackoffAlgorithmStatus::BackoffAlgorithmRetriesExhausted
            );
        }
        assert_eq!(context.attemptsDone, 0);
    }
}
