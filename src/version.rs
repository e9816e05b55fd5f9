//! `rsmqtt_version.h`: which rsmqtt a program is linked with.

use core::ffi::c_char;

/// The crate version as a NUL-terminated string, e.g. "0.1.0".
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// Returns rsmqtt's version as a static NUL-terminated string such as
/// "0.1.0", and logs it at info level (a cheap way to check that log records
/// reach the callback set with `rsmqtt_log_set_callback`).
///
/// # Safety
///
/// No requirements: any thread may call it at any time. The returned string
/// is static: never free or modify it.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_version() -> *const c_char {
    crate::ffi::guard(VERSION.as_ptr().cast(), || {
        log::info!("rsmqtt {}", env!("CARGO_PKG_VERSION"));
        VERSION.as_ptr().cast()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_version_is_the_crate_version_nul_terminated() {
        // SAFETY: the function returns a static NUL-terminated string.
        let version = unsafe { core::ffi::CStr::from_ptr(super::rsmqtt_version()) };
        assert_eq!(version.to_str(), Ok(env!("CARGO_PKG_VERSION")));
    }
}
