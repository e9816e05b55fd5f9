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
    if name.is_empty() {
        return Err(TopicError::Empty);
    }
    if name.bytes().any(|b| b == b'+' || b == b'#') {
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
    // 4.7.2: wildcards at the first level do not reach `$` topics.
    if name.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut filter_levels = filter.split('/');
    let mut name_levels = name.split('/');
    loop {
        match (filter_levels.next(), name_levels.next()) {
            // Validation guarantees `#` is last: it takes whatever remains,
            // including nothing (the parent level).
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(f), Some(n)) if f == n => {}
            (None, None) => return true,
            _ => return false,
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
