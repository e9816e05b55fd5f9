//! `MQTT_MatchTopic` on arbitrary topic/filter pairs, against the strict
//! codec's `wire::topic::matches`.
//!
//! Input: the first byte is the topic length (modulo the rest's length); the
//! topic and the filter follow. Each string is passed in its own allocation
//! of exactly its length, so a read past it is caught by the sanitizer.
//!
//! Checked:
//! * NULL or empty strings and a NULL result pointer give `MQTTBadParameter`
//!   and nothing is written; anything else gives `MQTTSuccess`;
//! * when the topic is a valid topic name and the filter a valid filter
//!   (MQTT 3.1.1 4.7, valid UTF-8), both implementations agree;
//! * a topic always matches itself;
//! * a filter without wildcards matches exactly the equal topic.
//!
//! Intended differences on invalid input (coreMQTT's behaviour, which
//! `MQTT_MatchTopic` keeps): identical strings match even when they hold
//! wildcards (a "topic" `a/+` matches the filter `a/+`); a wildcard that is
//! not a whole level (`a+`, `a/#/b`, `#x`) is an ordinary character; and a
//! topic name holding `+` or `#` is compared level by level. The strict
//! matcher answers false for any invalid name or filter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsmqtt::coremqtt::serializer_types::MQTTStatus;
use rsmqtt::coremqtt::utils::MQTT_MatchTopic;
use rsmqtt::wire::topic;

/// `MQTT_MatchTopic` on two byte strings, each in an exact allocation.
fn core_match(topic: &[u8], filter: &[u8]) -> Option<bool> {
    let (t, f) = (topic.to_vec(), filter.to_vec());
    let mut result = false;
    let t_len = u16::try_from(t.len()).ok()?;
    let f_len = u16::try_from(f.len()).ok()?;
    // SAFETY: each pointer is readable for its length; `result` is writable.
    let status = unsafe {
        MQTT_MatchTopic(
            t.as_ptr().cast(),
            t_len,
            f.as_ptr().cast(),
            f_len,
            &mut result,
        )
    };
    if t.is_empty() || f.is_empty() {
        assert_eq!(status, MQTTStatus::MQTTBadParameter);
        assert!(!result, "written on a refused call");
        return None;
    }
    assert_eq!(status, MQTTStatus::MQTTSuccess);
    Some(result)
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let at = if rest.is_empty() {
        0
    } else {
        usize::from(split) % (rest.len() + 1)
    };
    let (name, filter) = rest.split_at(at);

    // NULL arguments.
    let mut result = false;
    // SAFETY: NULL pointers are checked by the library.
    unsafe {
        assert_eq!(
            MQTT_MatchTopic(std::ptr::null(), 1, filter.as_ptr().cast(), 1, &mut result),
            MQTTStatus::MQTTBadParameter
        );
        assert_eq!(
            MQTT_MatchTopic(name.as_ptr().cast(), 1, std::ptr::null(), 1, &mut result),
            MQTTStatus::MQTTBadParameter
        );
        assert_eq!(
            MQTT_MatchTopic(
                b"a".as_ptr().cast(),
                1,
                b"a".as_ptr().cast(),
                1,
                std::ptr::null_mut()
            ),
            MQTTStatus::MQTTBadParameter
        );
    }
    assert!(!result);

    let Some(matched) = core_match(name, filter) else {
        return;
    };
    assert_eq!(
        core_match(name, name),
        Some(true),
        "a topic must match itself"
    );
    if !filter.iter().any(|&b| b == b'+' || b == b'#') {
        assert_eq!(
            matched,
            name == filter,
            "a filter without wildcards matches only itself"
        );
    }
    let (Ok(name_str), Ok(filter_str)) = (std::str::from_utf8(name), std::str::from_utf8(filter))
    else {
        return;
    };
    if topic::validate_name(name_str).is_ok() && topic::validate_filter(filter_str).is_ok() {
        assert_eq!(
            matched,
            topic::matches(filter_str, name_str),
            "MQTT_MatchTopic({name_str:?}, {filter_str:?}) disagrees with the strict matcher"
        );
    }
});
