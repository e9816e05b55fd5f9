//! Build script of the rsmqtt library: tells the code whether this build
//! optimises for size.
//!
//! With opt-level "s" or "z" (the `firmware` profile) it sets the cfg
//! `rsmqtt_small`. A few functions shared by several C exports use it to
//! stay one out-of-line copy in firmware, where flash is what counts, and to
//! be inlined into each export in the other builds, where they are on a
//! per-message path and the instructions count (scripts/bench.sh).
fn main() {
    println!("cargo:rustc-check-cfg=cfg(rsmqtt_small)");
    println!("cargo:rerun-if-changed=build.rs");
    if matches!(std::env::var("OPT_LEVEL").as_deref(), Ok("s" | "z")) {
        println!("cargo:rustc-cfg=rsmqtt_small");
    }
}
