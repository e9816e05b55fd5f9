//! The client's receive queue: incoming PUBLISH messages waiting for
//! `nxd_mqtt_client_message_get`, oldest first, with a bound.
//!
//! Messages are copied out of the engine's network buffer into heap vectors
//! (the engine's buffer is reused for the next packet). The bound is
//! enforced by the client thread, which stops reading the socket while the
//! queue is full instead of dropping messages.

use std::collections::VecDeque;

/// One received PUBLISH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Topic name bytes (not NUL-terminated).
    pub topic: Vec<u8>,
    /// Payload bytes.
    pub payload: Vec<u8>,
}

/// What `take` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Take {
    /// The queue is empty.
    Empty,
    /// The oldest message does not fit; it stays queued. Holds its topic and
    /// payload lengths.
    TooSmall {
        /// Bytes the topic needs.
        topic_len: usize,
        /// Bytes the payload needs.
        payload_len: usize,
    },
    /// The oldest message was copied out and removed.
    Copied {
        /// Bytes written to the topic buffer.
        topic_len: usize,
        /// Bytes written to the payload buffer.
        payload_len: usize,
    },
}

/// A bounded FIFO of [`Message`]s.
#[derive(Debug)]
pub struct ReceiveQueue {
    messages: VecDeque<Message>,
    limit: usize,
}

impl ReceiveQueue {
    /// An empty queue holding at most `limit` messages (at least 1).
    pub fn new(limit: usize) -> Self {
        ReceiveQueue {
            messages: VecDeque::new(),
            limit: limit.max(1),
        }
    }

    /// Changes the bound (at least 1). Messages already queued are kept even
    /// above a lower bound; reading pauses until the queue drains below it.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit.max(1);
    }

    /// The bound.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Whether the client should stop reading the socket.
    pub fn is_full(&self) -> bool {
        self.messages.len() >= self.limit
    }

    /// Number of queued messages.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Appends a message (the caller checked [`Self::is_full`] before reading
    /// it; the engine delivers at most one PUBLISH per loop call).
    pub fn push(&mut self, message: Message) {
        self.messages.push_back(message);
    }

    /// Drops every queued message.
    pub fn clear(&mut self) {
        self.messages.clear();
        self.messages.shrink_to_fit();
    }

    /// Copies the oldest message into `topic` and `payload` and removes it,
    /// or reports that it does not fit (and keeps it).
    pub fn take(&mut self, topic: &mut [u8], payload: &mut [u8]) -> Take {
        let Some(front) = self.messages.front() else {
            return Take::Empty;
        };
        let (topic_len, payload_len) = (front.topic.len(), front.payload.len());
        let (Some(topic_out), Some(payload_out)) =
            (topic.get_mut(..topic_len), payload.get_mut(..payload_len))
        else {
            return Take::TooSmall {
                topic_len,
                payload_len,
            };
        };
        topic_out.copy_from_slice(&front.topic);
        payload_out.copy_from_slice(&front.payload);
        self.messages.pop_front();
        Take::Copied {
            topic_len,
            payload_len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(t: &str, p: &str) -> Message {
        Message {
            topic: t.into(),
            payload: p.into(),
        }
    }

    #[test]
    fn oldest_first_and_too_small_keeps_the_message() {
        let mut q = ReceiveQueue::new(2);
        q.push(msg("a/b", "hello"));
        q.push(msg("c", "x"));
        assert!(q.is_full());
        let (mut t, mut p) = ([0u8; 3], [0u8; 4]);
        assert_eq!(
            q.take(&mut t, &mut p),
            Take::TooSmall {
                topic_len: 3,
                payload_len: 5
            }
        );
        assert_eq!(q.len(), 2);
        let mut p = [0u8; 5];
        assert_eq!(
            q.take(&mut t, &mut p),
            Take::Copied {
                topic_len: 3,
                payload_len: 5
            }
        );
        assert_eq!((&t, &p), (b"a/b", b"hello"));
        assert!(!q.is_full());
        let (mut t, mut p) = ([0u8; 8], [0u8; 8]);
        assert!(matches!(
            q.take(&mut t, &mut p),
            Take::Copied {
                topic_len: 1,
                payload_len: 1
            }
        ));
        assert_eq!(q.take(&mut t, &mut p), Take::Empty);
    }

    #[test]
    fn limit_is_at_least_one() {
        let mut q = ReceiveQueue::new(0);
        assert_eq!(q.limit(), 1);
        q.set_limit(5);
        assert_eq!(q.limit(), 5);
    }
}
