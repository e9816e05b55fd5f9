//! Build script of the rsmqtt library: tells the code whether this build
//! optimises for size.
//!
//! Cargo passes the profile's optimisation level in `OPT_LEVEL`. With "s" or
//! "z" (the `firmware` profile) the crate is built with `cfg(rsmqtt_small)`.
//! A few functions that sit on a per-message path (the send loop behind
//! `MQTT_Publish`, bodies shared by several serializer exports) use it to stay
//! one out-of-line copy in firmware, where flash is what counts, and to be
//! inlined into each caller in the other builds, where the instructions count
//! (scripts/bench.sh). Nothing else changes.
fn main() {
    println!("cargo:rustc-check-cfg=cfg(rsmqtt_small)");
    println!("cargo:rerun-if-changed=build.rs");
    if matches!(std::env::var("OPT_LEVEL").as_deref(), Ok("s" | "z")) {
        println!("cargo:rustc-cfg=rsmqtt_small");
    }
}
