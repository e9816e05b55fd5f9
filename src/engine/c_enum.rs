//! The storage type of a C enum on the target: the one integer type behind
//! the enum fields of the engine's C-layout state records
//! ([`super::record`]) and every `*Raw` alias of the coreMQTT face.
//!
//! coreMQTT is compiled by the application's own compiler, so its enums take
//! whatever size that compiler gives them, and rsmqtt must do the same. That
//! size is not always `int`: the bare-metal ARM ABI (AAPCS, the
//! `arm*-none-eabi*` and `thumb*-none-eabi*` targets that `arm-none-eabi-gcc`
//! and clang serve) gives an enum the smallest integer type that holds its
//! values ("short enums", `__ARM_SIZEOF_MINIMAL_ENUM == 1`), so every coreMQTT
//! enum is one byte there; hosted ABIs (Linux, Windows, macOS, ARM Linux)
//! give it four.
//!
//! rustc encodes the same rule per target (its `c_enum_min_bits`: 8 on the
//! ARM no-OS targets and a few other embedded ones, such as Hexagon and
//! ARM NuttX/RTEMS), and it already applies it to the `#[repr(C)]` enums this
//! crate returns and stores (`MQTTStatus_t`, `MQTTPublishState_t` out-values).
//! [`Raw`] is therefore *derived* from the size rustc gives a `#[repr(C)]`
//! enum rather than listed by `cfg`: the integer fields that C writes and the
//! enums that Rust writes can never disagree, on any target. The assertions
//! below pin the result on the targets rsmqtt ships for.

/// A `#[repr(C)]` enum whose values fit in one byte, as every coreMQTT enum's
/// do (the largest is `MQTTSubAckFailure`, 0x80). rustc sizes it by the
/// target's C ABI.
#[repr(C)]
#[allow(dead_code)] // only its size is used
enum Probe {
    Zero = 0,
    Largest = 0x80,
}

/// Maps a byte count to the unsigned integer of that size.
pub trait StorageOfSize {
    /// The integer.
    type Int;
    /// The value as a table index (lossless for both sizes on the 32- and
    /// 64-bit targets rsmqtt builds for).
    fn to_index(value: Self::Int) -> usize;
}

impl StorageOfSize for [(); 1] {
    type Int = u8;
    fn to_index(value: u8) -> usize {
        usize::from(value)
    }
}

impl StorageOfSize for [(); 4] {
    type Int = u32;
    fn to_index(value: u32) -> usize {
        // usize is at least 32 bits wide on every target that has 4-byte
        // C enums and runs rsmqtt.
        value as usize
    }
}

/// The byte count of [`Raw`], as the type [`StorageOfSize`] is implemented for.
type Storage = [(); core::mem::size_of::<Probe>()];

/// A coreMQTT enum as C stores and passes it: `u8` where the target's C ABI
/// uses short enums (bare-metal ARM), `u32` elsewhere. C may store any value
/// of that integer in an enum object, and a Rust enum holding an undeclared
/// value is undefined behaviour, so fields and parameters that C writes use
/// this integer and are checked before use.
///
/// Every coreMQTT enum has non-negative values that fit in a byte, so C
/// compilers give them the same (unsigned) storage as the probe enum above.
pub type Raw = <Storage as StorageOfSize>::Int;

/// `raw` as an index into a table of names, for any width of [`Raw`].
pub fn to_index(raw: Raw) -> usize {
    <Storage as StorageOfSize>::to_index(raw)
}

const _: () = assert!(core::mem::size_of::<Raw>() == core::mem::size_of::<Probe>());

// The bare-metal ARM targets (Cortex-M firmware): short enums.
#[cfg(all(target_arch = "arm", target_os = "none"))]
const _: () = assert!(core::mem::size_of::<Raw>() == 1);

// The hosted targets rsmqtt is built and tested for: `int`-sized enums.
#[cfg(any(
    target_arch = "x86_64",
    target_arch = "x86",
    target_arch = "aarch64",
    all(target_arch = "arm", target_os = "linux")
))]
const _: () = assert!(core::mem::size_of::<Raw>() == 4);
