//! What every `extern "C"` entry point shares: the panic guard.
//!
//! A panic must never unwind into C (that is undefined behaviour). With `std`
//! each entry point runs its body inside [`guard`], which turns a panic into
//! the error value the caller names and logs it. Without `std` the crate is
//! built with `panic = "abort"` semantics and the guard is a plain call.

/// Whether `count` values of `T` can be one slice: Rust allows at most
/// `isize::MAX` bytes in one, and a C count past that is a corrupted integer,
/// not an array (borrowing it would be undefined behaviour, and debug builds
/// abort on it). Every length C hands over is checked with this before it
/// is borrowed.
#[inline(always)]
pub const fn fits_slice<T>(count: usize) -> bool {
    let size = core::mem::size_of::<T>();
    size == 0 || count <= isize::MAX as usize / size
}

/// Borrows `length` bytes at `pointer`, as every face reads the byte ranges
/// C hands over: a zero length is an empty slice (whatever the pointer);
/// NULL with a non-zero length, or a length no slice can have
/// ([`fits_slice`]), is `None`. A slice is never built from NULL.
///
/// # Safety
/// A non-NULL `pointer` must be valid for reads of `length` bytes for `'a`.
#[inline]
pub unsafe fn c_bytes<'a, T>(pointer: *const T, length: usize) -> Option<&'a [u8]> {
    if length == 0 {
        Some(&[])
    } else if pointer.is_null() || !fits_slice::<u8>(length) {
        None
    } else {
        // SAFETY: non-NULL, bounded and, by the caller's contract, readable.
        Some(unsafe { core::slice::from_raw_parts(pointer.cast::<u8>(), length) })
    }
}

/// Runs `body`; if it panics, logs the panic and returns `on_panic` instead.
///
/// `on_panic` should be the API's generic failure code (for coreMQTT
/// `MQTTBadParameter` or `MQTTIllegalState`, for NetX `NXD_MQTT_INTERNAL_ERROR`).
#[cfg(feature = "std")]
pub fn guard<R>(on_panic: R, body: impl FnOnce() -> R) -> R {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("unknown panic");
            log::error!("rsmqtt: internal error caught at the C boundary: {what}");
            on_panic
        }
    }
}

/// Runs `body`. Without `std` a panic halts in the crate's panic handler, so
/// there is nothing to catch. Always inlined: each entry point is then one
/// function in firmware instead of an exported shim calling its own copy of
/// the guard.
#[cfg(not(feature = "std"))]
#[inline(always)]
pub fn guard<R>(_on_panic: R, body: impl FnOnce() -> R) -> R {
    body()
}

#[cfg(all(test, feature = "std"))]
mod tests {
    #[test]
    fn slices_are_bounded_by_isize_max_bytes() {
        use super::fits_slice;
        assert!(fits_slice::<u8>(isize::MAX as usize));
        assert!(!fits_slice::<u8>(isize::MAX as usize + 1));
        assert!(!fits_slice::<u64>(usize::MAX / 4));
        assert!(fits_slice::<u64>(isize::MAX as usize / 8));
        assert!(fits_slice::<()>(usize::MAX));
    }

    #[test]
    fn a_panic_becomes_the_fallback_value() {
        assert_eq!(super::guard(7, || -> i32 { panic!("boom") }), 7);
        assert_eq!(super::guard(7, || 3), 3);
    }
}
