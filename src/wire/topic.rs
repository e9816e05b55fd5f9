//! Topic names, topic filters and matching (MQTT 3.1.1 section 4.7).
//!
//! Levels are separated by `/`. In filters `+` matches exactly one level and
//! must be the whole level; `#` matches any number of levels (including
//! none, so `a/#` matches `a`) and must be the whole last level. Topic names
//! carry no wildcards. Names starting with `$` are not matched by filters
//! whose first level is a wildcard (4.7.2). The UTF-8 and length rules of
//! strings (1.5.3) are checked separately by the string codec.

use super::error::TopicError;

/// Checks a topic name (the topic of a PUBLISH or a will).
pub fn validate_name(name: &str) -> Result<(), TopicError> {
    validate_name_bytes(name.as_bytes())
}

/// [`validate_name`] on the name's bytes (whose UTF-8 is checked apart, see
/// `string::validate_field`).
pub fn validate_name_bytes(name: &[u8]) -> Result<(), TopicError> {
    if name.is_empty() {
        return Err(TopicError::Empty);
    }
    // Folded without an early exit so that hosted builds vectorise it
    // (every received PUBLISH's topic passes here); a valid name is read to
    // the end anyway.
    if name
        .iter()
        .fold(false, |found, &b| found | (b == b'+') | (b == b'#'))
    {
        return Err(TopicError::WildcardInName);
    }
    Ok(())
}

/// Checks a topic filter (SUBSCRIBE and UNSUBSCRIBE).
pub fn validate_filter(filter: &str) -> Result<(), TopicError> {
    if filter.is_empty() {
        return Err(TopicError::Empty);
    }
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        let is_last = levels.peek().is_none();
        if level.contains('#') && (level != "#" || !is_last) {
            return Err(TopicError::MisplacedMultiLevelWildcard);
        }
        if level.contains('+') && level != "+" {
            return Err(TopicError::MisplacedSingleLevelWildcard);
        }
    }
    Ok(())
}

/// True if topic `name` matches topic `filter`.
///
/// Returns false when either is invalid, so a malformed filter never
/// matches anything.
pub fn matches(filter: &str, name: &str) -> bool {
    if validate_filter(filter).is_err() || validate_name(name).is_err() {
        return false;
    }
    matches_unchecked(filter.as_bytes(), name.as_bytes())
}

/// The level-by-level comparison behind [`matches()`], on bytes and without
/// validating either side: a `+` level matches any one level (also an empty
/// one), a `#` level that is the filter's last matches its parent and any
/// number of child levels, and every other level (including one that holds
/// a wildcard character but is not a whole-level wildcard) must be equal.
/// A name starting with `$` never matches a filter starting with a wildcard
/// (4.7.2).
///
/// For valid inputs this is exactly [`matches()`]; it exists for callers
/// whose API defines an answer for any bytes (coreMQTT's `MQTT_MatchTopic`).
pub fn matches_unchecked(filter: &[u8], name: &[u8]) -> bool {
    // 4.7.2: wildcards at the first level do not reach `$` topics.
    if name.first() == Some(&b'$') && matches!(filter.first(), Some(b'+' | b'#')) {
        return false;
    }
    // Walked with `next_level` rather than `split(..).peekable()`: the same
    // levels, without the iterator adaptors' code (this is the only matcher,
    // behind coreMQTT's `MQTT_MatchTopic` in firmware too).
    let mut filter_rest = Some(filter);
    let mut name_rest = Some(name);
    while let Some(filter_level) = next_level(&mut filter_rest) {
        if matches!(filter_level, [b'#']) && filter_rest.is_none() {
            // Takes whatever remains, including nothing (the parent level).
            return true;
        }
        match next_level(&mut name_rest) {
            Some(name_level)
                if matches!(filter_level, [b'+']) || level_eq(filter_level, name_level) => {}
            _ => return false,
        }
    }
    name_rest.is_none()
}

/// `a == b` for two levels (or two whole topics). Size builds compare byte
/// by byte: slice `==` calls the C library's `memcmp`, which no other
/// firmware path links (96 B of newlib plus a call wrapper); other builds
/// keep `==`.
#[cfg(rsmqtt_small)]
pub(crate) fn level_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// `a == b` for two levels (see the size build's variant).
#[cfg(not(rsmqtt_small))]
#[inline(always)]
pub(crate) fn level_eq(a: &[u8], b: &[u8]) -> bool {
    a == b
}

/// The level at the start of `*rest` (the bytes up to the next `/`, as
/// `split(|&b| b == b'/')` gives them); moves `*rest` past the level and its
/// `/`, or to `None` after the last level.
fn next_level<'a>(rest: &mut Option<&'a [u8]>) -> Option<&'a [u8]> {
    let bytes = (*rest)?;
    match bytes.iter().position(|&byte| byte == b'/') {
        Some(at) => {
            *rest = bytes.get(at.saturating_add(1)..);
            bytes.get(..at)
        }
        None => {
            *rest = None;
            Some(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_examples_4_7() {
        // 4.7.1.2
        assert!(matches("sport/tennis/player1/#", "sport/tennis/player1"));
        assert!(matches(
            "sport/tennis/player1/#",
            "sport/tennis/player1/ranking"
        ));
        assert!(matches(
            "sport/tennis/player1/#",
            "sport/tennis/player1/score/wimbledon"
        ));
        assert!(matches("sport/#", "sport"));
        // 4.7.1.3
        assert!(matches("sport/tennis/+", "sport/tennis/player1"));
        assert!(!matches("sport/tennis/+", "sport/tennis/player1/ranking"));
        assert!(!matches("sport/+", "sport"));
        assert!(matches("sport/+", "sport/"));
        assert!(matches("+/+", "/finance"));
        assert!(matches("/+", "/finance"));
        assert!(!matches("+", "/finance"));
        // 4.7.2
        assert!(!matches("#", "$SYS/broker"));
        assert!(!matches("+/monitor/Clients", "$SYS/monitor/Clients"));
        assert!(matches("$SYS/#", "$SYS/monitor/Clients"));
        assert!(matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
    }

    #[test]
    fn filter_rules() {
        assert_eq!(
            validate_filter("sport/tennis#"),
            Err(TopicError::MisplacedMultiLevelWildcard)
        );
        assert_eq!(
            validate_filter("sport/tennis/#/ranking"),
            Err(TopicError::MisplacedMultiLevelWildcard)
        );
        assert_eq!(
            validate_filter("sport+"),
            Err(TopicError::MisplacedSingleLevelWildcard)
        );
        assert_eq!(validate_filter(""), Err(TopicError::Empty));
        assert!(validate_filter("+/tennis/#").is_ok());
        assert!(validate_filter("/").is_ok());
        assert_eq!(validate_name("a/+"), Err(TopicError::WildcardInName));
    }
}
