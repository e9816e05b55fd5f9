//! Decodes arbitrary bytes with the wire codec. Whatever decodes must
//! re-encode (flat and vectored) to exactly the bytes it came from and decode
//! again to an equal packet; any strict prefix of it must be reported as
//! incomplete. Everything else must be a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsmqtt::wire::{self, Error, Packet};

fuzz_target!(|data: &[u8]| {
    let (packet, used) = match wire::decode(data) {
        Ok(ok) => ok,
        Err(Error::Incomplete { needed }) => {
            assert!(needed >= 1);
            return;
        }
        Err(_) => return,
    };
    assert!(used >= 2 && used <= data.len());
    assert_eq!(packet.encoded_len(), used);

    let mut buf = vec![0u8; used];
    let written = packet
        .encode(&mut buf)
        .expect("a decoded packet re-encodes");
    assert_eq!(written, used);
    assert_eq!(&buf[..], &data[..used], "decoding is canonical");

    let (again, used_again): (Packet<'_>, usize) =
        wire::decode(&buf).expect("a re-encoded packet decodes");
    assert_eq!(used_again, used);
    assert_eq!(again, packet);

    let mut scratch = [0u8; 64];
    let mut out: [&[u8]; 16] = [&[]; 16];
    let n = packet
        .encode_vectored(&mut scratch, &mut out)
        .expect("a decoded packet encodes vectored");
    assert_eq!(out[..n].concat(), &data[..used]);

    let header = wire::FixedHeader::peek(data).expect("header of a decoded packet");
    assert_eq!(
        Packet::decode_body(data[0], &data[header.header_len..used]),
        Ok(packet),
        "decoding from separately read header and body agrees"
    );

    match wire::decode(&data[..used - 1]) {
        Err(Error::Incomplete { needed }) => assert!(needed >= 1 && needed <= used),
        other => panic!("strict prefix gave {other:?}"),
    }
});
