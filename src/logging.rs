//! `rsmqtt_log.h`: hands the library's log records to a C function.
//!
//! rsmqtt logs through the `log` crate. A C application routes those records
//! to its own logging with one call:
//!
//! ```c
//! static void on_log(int32_t level, const char *message) { printf("%d %s\n", level, message); }
//! rsmqtt_log_set_callback(on_log);
//! rsmqtt_log_set_level(RSMQTT_LOG_DEBUG);
//! ```
//!
//! The first non-NULL callback installs a `log::Log` implementation as the
//! process-wide logger. If a Rust host already installed its own logger, that
//! one stays (records go to it, not to the callback) and the call returns
//! `false`. Each record is formatted into a fixed buffer on the stack of the
//! logging thread (no heap, so this works the same without `std`), truncated
//! on a character boundary to [`RSMQTT_LOG_MESSAGE_SIZE`] bytes including the
//! terminating NUL, and passed to the callback, which may run on any thread
//! that uses the library (e.g. the NetX client thread). The message pointer is
//! valid only during the call.
//!
//! Without `std` the same code runs: `log` (0.4) sets a `&'static` logger
//! without `std` on every target with pointer-sized atomics; on targets
//! without them (single-core parts such as Cortex-M0) the racy variants are
//! used, which is sound there because nothing else can run concurrently.

#![allow(non_camel_case_types)]

use core::ffi::c_char;
use core::fmt::Write as _;
use core::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

/// Level passed to `rsmqtt_log_set_level` to turn logging off.
pub const RSMQTT_LOG_OFF: i32 = 0;
/// An error: an operation failed.
pub const RSMQTT_LOG_ERROR: i32 = 1;
/// Something unexpected that the library handled.
pub const RSMQTT_LOG_WARN: i32 = 2;
/// Major events: connected, disconnected, subscribed.
pub const RSMQTT_LOG_INFO: i32 = 3;
/// Details useful while debugging an application.
pub const RSMQTT_LOG_DEBUG: i32 = 4;
/// Everything, including each packet.
pub const RSMQTT_LOG_TRACE: i32 = 5;

/// Size of the buffer a message is formatted into, including the
/// terminating NUL; longer messages are cut (at a character boundary) and end
/// with "...".
pub const RSMQTT_LOG_MESSAGE_SIZE: usize = 256;

/// Receives one log record: its level (`RSMQTT_LOG_ERROR` … `RSMQTT_LOG_TRACE`)
/// and a NUL-terminated UTF-8 message valid only during the call.
pub type RsmqttLogCallback_t = Option<unsafe extern "C" fn(level: i32, message: *const c_char)>;

/// The callback as an address; 0 means none. A plain atomic word keeps this
/// lock-free and usable from any thread and without `std`.
static CALLBACK: AtomicUsize = AtomicUsize::new(0);

/// The level set with [`rsmqtt_log_set_level`], applied whenever our logger
/// is (or becomes) the installed one. Info until the application says
/// otherwise.
static LEVEL: AtomicI32 = AtomicI32::new(RSMQTT_LOG_INFO);

/// The `log::Log` that forwards records to [`CALLBACK`].
struct CallbackLogger;

static LOGGER: CallbackLogger = CallbackLogger;

/// Routes the library's log records to `callback`; NULL turns that off.
///
/// Returns `true` when records reach the callback from now on (or, for NULL,
/// when nothing is forwarded any more), `false` when a different logger was
/// already installed by Rust code in the same program: that logger keeps
/// receiving the records.
///
/// # Safety
///
/// `callback` must be NULL or a function that stays callable for as long as
/// the library is used, may be called from any thread, and does not unwind.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_log_set_callback(callback: RsmqttLogCallback_t) -> bool {
    crate::ffi::guard(false, || {
        CALLBACK.store(callback.map_or(0, |f| f as usize), Ordering::Release);
        if callback.is_none() {
            return true;
        }
        if !install_logger() {
            return false;
        }
        apply_level(LEVEL.load(Ordering::Relaxed));
        true
    })
}

/// Sets the most detailed level forwarded: `RSMQTT_LOG_OFF` (0) to
/// `RSMQTT_LOG_TRACE` (5). Returns `false`, changing nothing, for any other
/// value. Records above the level are not even formatted.
///
/// When a Rust host installed its own logger the level is remembered but the
/// host's filter is left alone.
///
/// # Safety
///
/// No requirements: any thread may call it at any time.
#[no_mangle]
pub unsafe extern "C" fn rsmqtt_log_set_level(level: i32) -> bool {
    crate::ffi::guard(false, || {
        if level_filter(level).is_none() {
            return false;
        }
        LEVEL.store(level, Ordering::Relaxed);
        if logger_is_ours() {
            apply_level(level);
        }
        true
    })
}

/// Maps a C level number to `log`'s filter; `None` for out-of-range values.
fn level_filter(level: i32) -> Option<log::LevelFilter> {
    Some(match level {
        RSMQTT_LOG_OFF => log::LevelFilter::Off,
        RSMQTT_LOG_ERROR => log::LevelFilter::Error,
        RSMQTT_LOG_WARN => log::LevelFilter::Warn,
        RSMQTT_LOG_INFO => log::LevelFilter::Info,
        RSMQTT_LOG_DEBUG => log::LevelFilter::Debug,
        RSMQTT_LOG_TRACE => log::LevelFilter::Trace,
        _ => return None,
    })
}

/// The C level number of a record's level.
fn level_number(level: log::Level) -> i32 {
    match level {
        log::Level::Error => RSMQTT_LOG_ERROR,
        log::Level::Warn => RSMQTT_LOG_WARN,
        log::Level::Info => RSMQTT_LOG_INFO,
        log::Level::Debug => RSMQTT_LOG_DEBUG,
        log::Level::Trace => RSMQTT_LOG_TRACE,
    }
}

/// Whether the process-wide logger is [`LOGGER`].
fn logger_is_ours() -> bool {
    let installed = log::logger() as *const dyn log::Log as *const ();
    core::ptr::eq(installed, &LOGGER as *const CallbackLogger as *const ())
}

/// Installs [`LOGGER`] unless a logger is already set; returns whether ours is
/// the installed one afterwards (also when a concurrent call installed it).
fn install_logger() -> bool {
    #[cfg(target_has_atomic = "ptr")]
    let _ = log::set_logger(&LOGGER);
    // SAFETY: without pointer-sized atomics the target is single-core and
    // the C API is not called from interrupt handlers, so no other call into
    // `log` runs concurrently with this one.
    #[cfg(not(target_has_atomic = "ptr"))]
    let _ = unsafe { log::set_logger_racy(&LOGGER) };
    logger_is_ours()
}

/// Makes `level` the global maximum level of `log`.
fn apply_level(level: i32) {
    let filter = level_filter(level).unwrap_or(log::LevelFilter::Info);
    #[cfg(target_has_atomic = "ptr")]
    log::set_max_level(filter);
    // SAFETY: as in `install_logger`, nothing runs concurrently on a target
    // without pointer-sized atomics.
    #[cfg(not(target_has_atomic = "ptr"))]
    unsafe {
        log::set_max_level_racy(filter)
    };
}

/// Loads the callback, if one is set.
fn current_callback() -> RsmqttLogCallback_t {
    let address = CALLBACK.load(Ordering::Acquire);
    if address == 0 {
        return None;
    }
    // SAFETY: CALLBACK only ever holds 0 or an address stored from a valid
    // `unsafe extern "C" fn(i32, *const c_char)` in `rsmqtt_log_set_callback`,
    // and function pointers and usize have the same size on every target.
    Some(unsafe {
        core::mem::transmute::<usize, unsafe extern "C" fn(i32, *const c_char)>(address)
    })
}

impl log::Log for CallbackLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::max_level() && CALLBACK.load(Ordering::Relaxed) != 0
    }

    fn log(&self, record: &log::Record) {
        if record.level() > log::max_level() {
            return;
        }
        let Some(callback) = current_callback() else {
            return;
        };
        let mut message = MessageBuffer::new();
        // A full buffer is not an error for the writer (it truncates), so
        // this cannot fail; a failing Display impl just ends the text early.
        let _ = write!(message, "{}", record.args());
        // SAFETY: `callback` is a valid C function (see `current_callback`);
        // the pointer is to a NUL-terminated buffer that outlives the call.
        unsafe { callback(level_number(record.level()), message.as_c_str()) };
    }

    fn flush(&self) {}
}

/// A message being formatted: at most `RSMQTT_LOG_MESSAGE_SIZE - 1` bytes of
/// whole UTF-8 characters, then a NUL.
struct MessageBuffer {
    bytes: [u8; RSMQTT_LOG_MESSAGE_SIZE],
    len: usize,
    truncated: bool,
}

/// Appended to a message that did not fit.
const ELLIPSIS: &str = "...";

impl MessageBuffer {
    /// The longest text kept, leaving room for the NUL.
    const TEXT_CAPACITY: usize = RSMQTT_LOG_MESSAGE_SIZE - 1;

    fn new() -> Self {
        MessageBuffer {
            bytes: [0; RSMQTT_LOG_MESSAGE_SIZE],
            len: 0,
            truncated: false,
        }
    }

    /// The text written so far (always whole characters).
    #[cfg(test)]
    fn text(&self) -> &str {
        core::str::from_utf8(self.bytes.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }

    /// Terminates the text (marking a cut with "...") and returns it as a C
    /// string pointer.
    fn as_c_str(&mut self) -> *const c_char {
        if self.truncated {
            // Drop whole characters until the ellipsis fits. The bytes past
            // `len` are irrelevant; a byte at `len` that is a UTF-8
            // continuation byte means `len` is inside a character.
            while self.len + ELLIPSIS.len() > Self::TEXT_CAPACITY
                || self
                    .bytes
                    .get(self.len)
                    .is_some_and(|byte| self.len > 0 && byte & 0xC0 == 0x80)
            {
                self.len -= 1;
            }
            let end = self.len + ELLIPSIS.len();
            if let Some(tail) = self.bytes.get_mut(self.len..end) {
                tail.copy_from_slice(ELLIPSIS.as_bytes());
                self.len = end;
            }
            self.truncated = false;
        }
        if let Some(nul) = self.bytes.get_mut(self.len) {
            *nul = 0;
        }
        self.bytes.as_ptr().cast()
    }
}

impl core::fmt::Write for MessageBuffer {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        if self.truncated {
            return Ok(());
        }
        let room = Self::TEXT_CAPACITY - self.len;
        let mut take = text.len().min(room);
        while !text.is_char_boundary(take) {
            take -= 1;
        }
        if take < text.len() {
            self.truncated = true;
        }
        let (Some(source), Some(target)) = (
            text.as_bytes().get(..take),
            self.bytes.get_mut(self.len..self.len + take),
        ) else {
            return Ok(());
        };
        target.copy_from_slice(source);
        self.len += take;
        Ok(())
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::sync::Mutex;

    /// Records the test callback received, as (level, message).
    static RECEIVED: Mutex<Vec<(i32, String)>> = Mutex::new(Vec::new());
    /// The logger is process-wide: tests that use it run one at a time.
    static SERIAL: Mutex<()> = Mutex::new(());

    unsafe extern "C" fn record(level: i32, message: *const c_char) {
        // SAFETY: the logger passes a valid NUL-terminated string.
        let text = unsafe { CStr::from_ptr(message) };
        let text = text.to_str().expect("messages are UTF-8").to_owned();
        RECEIVED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((level, text));
    }

    /// Messages received so far that start with `prefix` (other tests in the
    /// same process may log too).
    fn received_with(prefix: &str) -> Vec<(i32, String)> {
        let received = RECEIVED.lock().unwrap_or_else(|e| e.into_inner());
        received
            .iter()
            .filter(|(_, m)| m.starts_with(prefix))
            .cloned()
            .collect()
    }

    #[test]
    fn records_reach_the_callback_with_their_level_and_text() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: `record` is a valid callback for the rest of the process.
        assert!(unsafe { rsmqtt_log_set_callback(Some(record)) });
        assert!(unsafe { rsmqtt_log_set_level(RSMQTT_LOG_DEBUG) });

        log::error!("levels-test error {}", 1);
        log::warn!("levels-test warn");
        log::info!("levels-test info");
        log::debug!("levels-test debug");
        log::trace!("levels-test trace is above the level");

        assert_eq!(
            received_with("levels-test"),
            vec![
                (RSMQTT_LOG_ERROR, "levels-test error 1".to_owned()),
                (RSMQTT_LOG_WARN, "levels-test warn".to_owned()),
                (RSMQTT_LOG_INFO, "levels-test info".to_owned()),
                (RSMQTT_LOG_DEBUG, "levels-test debug".to_owned()),
            ]
        );
    }

    #[test]
    fn a_null_callback_and_level_off_stop_forwarding() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: valid callback / NULL.
        assert!(unsafe { rsmqtt_log_set_callback(Some(record)) });
        assert!(unsafe { rsmqtt_log_set_level(RSMQTT_LOG_OFF) });
        log::error!("off-test while off");
        assert!(unsafe { rsmqtt_log_set_level(RSMQTT_LOG_INFO) });
        assert!(unsafe { rsmqtt_log_set_callback(None) });
        log::error!("off-test without callback");
        assert!(unsafe { rsmqtt_log_set_callback(Some(record)) });
        log::error!("off-test back on");
        assert_eq!(
            received_with("off-test"),
            vec![(RSMQTT_LOG_ERROR, "off-test back on".to_owned())]
        );
    }

    #[test]
    fn invalid_levels_are_refused() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        for level in [-1, 6, i32::MIN, i32::MAX] {
            assert!(!unsafe { rsmqtt_log_set_level(level) }, "{level}");
        }
    }

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: valid callback.
        assert!(unsafe { rsmqtt_log_set_callback(Some(record)) });
        assert!(unsafe { rsmqtt_log_set_level(RSMQTT_LOG_INFO) });
        // Two-byte characters from an odd offset: a cut at the byte limit
        // would fall inside one.
        let long = "é".repeat(RSMQTT_LOG_MESSAGE_SIZE);
        log::info!("long-test {long}");
        let received = received_with("long-test");
        assert_eq!(received.len(), 1);
        let (level, text) = &received[0];
        assert_eq!(*level, RSMQTT_LOG_INFO);
        assert!(text.len() < RSMQTT_LOG_MESSAGE_SIZE, "{}", text.len());
        assert!(
            text.len() >= RSMQTT_LOG_MESSAGE_SIZE - 1 - 4,
            "{}",
            text.len()
        );
        assert!(text.ends_with("é..."), "{text}");
    }

    #[test]
    fn the_buffer_keeps_exactly_what_fits() {
        let mut buffer = MessageBuffer::new();
        let fits = "x".repeat(MessageBuffer::TEXT_CAPACITY);
        write!(buffer, "{fits}").expect("writing never fails");
        assert_eq!(buffer.text(), fits);
        // SAFETY: the returned pointer is NUL-terminated within the buffer.
        let c_text = unsafe { CStr::from_ptr(buffer.as_c_str()) };
        assert_eq!(c_text.to_bytes(), fits.as_bytes());

        let mut buffer = MessageBuffer::new();
        write!(buffer, "{fits}y").expect("writing never fails");
        // SAFETY: as above.
        let c_text = unsafe { CStr::from_ptr(buffer.as_c_str()) };
        assert_eq!(c_text.to_bytes().len(), MessageBuffer::TEXT_CAPACITY);
        assert!(c_text.to_bytes().ends_with(b"xx..."));

        for width in 1..8 {
            let mut buffer = MessageBuffer::new();
            let text = format!("{}{}", "a".repeat(width), "€".repeat(200));
            write!(buffer, "{text}").expect("writing never fails");
            // SAFETY: as above.
            let c_text = unsafe { CStr::from_ptr(buffer.as_c_str()) };
            let c_text = c_text.to_str().expect("cut on a character boundary");
            assert!(c_text.ends_with("€..."), "{width}: {c_text}");
            assert!(c_text.len() <= MessageBuffer::TEXT_CAPACITY);
        }
    }
}
