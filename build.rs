//! Build script: tells the code whether it is compiled for size.
//!
//! Cargo passes the profile's optimisation level in `OPT_LEVEL`. For "s" and
//! "z" (the `firmware` profile) the crate is built with `cfg(rsmqtt_small)`:
//! a few functions that are force-inlined for speed on the host (the send
//! loop inlined into `MQTT_Publish`, see `engine::send`) are then called out
//! of line instead, which is smaller in flash. Nothing else changes.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(rsmqtt_small)");
    println!("cargo:rerun-if-changed=build.rs");
    if matches!(std::env::var("OPT_LEVEL").as_deref(), Ok("s") | Ok("z")) {
        println!("cargo:rustc-cfg=rsmqtt_small");
    }
}
