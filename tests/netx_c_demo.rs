//! Builds the C programs that use the NetX headers against librsmqtt.a and
//! runs them: c_examples/netx_mqtt_demo.c against a real Mosquitto over
//! mutual TLS, and a layout probe that checks the C and Rust views of the
//! control blocks agree.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Broker;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// librsmqtt.a of the profile these tests were built with.
fn static_lib() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/<test> → target/<profile>/librsmqtt.a
    let lib = exe.parent().unwrap().parent().unwrap().join("librsmqtt.a");
    assert!(
        lib.exists(),
        "{} missing: run `cargo build -p rsmqtt-staticlib` first",
        lib.display()
    );
    lib
}

/// Compiles `sources` with the given extra flags into `out`.
fn compile(sources: &[&Path], flags: &[&str], out: &Path) {
    let status = Command::new("cc")
        .args([
            "-std=c11",
            "-D_POSIX_C_SOURCE=200809L",
            "-Wall",
            "-Wextra",
            "-Werror",
        ])
        .args(flags)
        .arg("-I")
        .arg(root().join("include"))
        .args(sources)
        .arg(static_lib())
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(out)
        .status()
        .expect("cannot run cc");
    assert!(status.success(), "cc failed for {sources:?}");
}

#[test]
fn c_demo_runs_over_mutual_tls_with_and_without_error_checking() {
    let broker = Broker::start();
    let dir = std::env::temp_dir().join(format!("rsmqtt-netx-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let demo = root().join("c_examples/netx_mqtt_demo.c");
    for (name, flags) in [
        ("checked", vec![]),
        (
            "unchecked",
            vec![
                "-DNX_DISABLE_ERROR_CHECKING",
                "-DNX_SECURE_DISABLE_ERROR_CHECKING",
            ],
        ),
    ] {
        let exe = dir.join(name);
        compile(&[&demo], &flags, &exe);
        let out = Command::new(&exe)
            .env("RSMQTT_BROKER_HOST", &broker.host)
            .env("RSMQTT_BROKER_PORT", broker.port.to_string())
            .env("RSMQTT_BROKER_TLS_PORT", broker.tls_port.to_string())
            .env("RSMQTT_CA_DER", &broker.ca_der)
            .env("RSMQTT_CLIENT_CERT_DER", &broker.client_cert_der)
            .env("RSMQTT_CLIENT_KEY_DER", &broker.client_key_der)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{name} demo failed:\n{text}\nbroker log:\n{}",
            broker.log()
        );
        assert!(
            text.contains("10 messages received, 0 unexpected: PASS"),
            "{text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn c_and_rust_agree_on_the_netx_layouts() {
    use core::mem::{offset_of, size_of};
    use rsmqtt::netx::client_block::NXD_MQTT_CLIENT;
    use rsmqtt::netx::nx_types::{NXD_ADDRESS, NX_IP, NX_PACKET_POOL};
    use rsmqtt::netx::secure::tls_types::NX_SECURE_TLS_SESSION;
    use rsmqtt::netx::secure::x509_types::{NX_SECURE_X509_CERT, NX_SECURE_X509_DNS_NAME};

    let probe = r#"
#include <stdio.h>
#include <stddef.h>
#include "nxd_mqtt_client.h"
#include "nx_secure_tls_api.h"
#define P(e) printf("%zu\n", (size_t)(e))
int main(void) {
    P(sizeof(NXD_MQTT_CLIENT));
    P(offsetof(NXD_MQTT_CLIENT, nxd_mqtt_client_state));
    P(offsetof(NXD_MQTT_CLIENT, nxd_mqtt_client_packet_identifier));
    P(offsetof(NXD_MQTT_CLIENT, nxd_mqtt_connect_notify));
    P(offsetof(NXD_MQTT_CLIENT, nxd_mqtt_ack_receive_context));
    P(offsetof(NXD_MQTT_CLIENT, nxd_mqtt_tls_session));
    P(offsetof(NXD_MQTT_CLIENT, nxd_mqtt_tls_in_progress));
    P(sizeof(NXD_ADDRESS));
    P(offsetof(NXD_ADDRESS, nxd_ip_address));
    P(sizeof(NX_IP));
    P(sizeof(NX_PACKET_POOL));
    P(sizeof(NX_SECURE_TLS_SESSION));
    P(sizeof(NX_SECURE_X509_CERT));
    P(sizeof(NX_SECURE_X509_DNS_NAME));
    return 0;
}
"#;
    let dir = std::env::temp_dir().join(format!("rsmqtt-netx-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("probe.c");
    std::fs::write(&src, probe).unwrap();
    let exe = dir.join("probe");
    compile(&[&src], &[], &exe);
    let out = Command::new(&exe).output().unwrap();
    let c: Vec<usize> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    let rust = vec![
        size_of::<NXD_MQTT_CLIENT>(),
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_state),
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_packet_identifier),
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_connect_notify),
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_ack_receive_context),
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_tls_session),
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_tls_in_progress),
        size_of::<NXD_ADDRESS>(),
        offset_of!(NXD_ADDRESS, nxd_ip_address),
        size_of::<NX_IP>(),
        size_of::<NX_PACKET_POOL>(),
        size_of::<NX_SECURE_TLS_SESSION>(),
        size_of::<NX_SECURE_X509_CERT>(),
        size_of::<NX_SECURE_X509_DNS_NAME>(),
    ];
    assert_eq!(c, rust);
    let _ = std::fs::remove_dir_all(&dir);
}
