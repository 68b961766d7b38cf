//! The Jupyter wire protocol (messaging spec 5.3): the connection file, and signed multipart
//! messages over ZeroMQ sockets.
//!
//! A message on the wire is: the ZeroMQ routing identities, the delimiter `<IDS|MSG>`, an
//! HMAC-SHA256 signature (hex) of the four JSON frames that follow, then header, parent header,
//! metadata and content, then optional binary buffers.

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::path::Path;
use zeromq::ZmqMessage;

const DELIMITER: &[u8] = b"<IDS|MSG>";

/// What the front end wrote into the connection file: where to bind and how to sign.
#[derive(Debug, Clone)]
pub struct ConnectionInfo {
    pub transport: String,
    pub ip: String,
    pub shell_port: u16,
    pub iopub_port: u16,
    pub stdin_port: u16,
    pub control_port: u16,
    pub hb_port: u16,
    pub key: String,
}

impl ConnectionInfo {
    /// Reads a connection file (JSON) as written by jupyter_client.
    pub fn read(path: &Path) -> Result<ConnectionInfo> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading the connection file {}", path.display()))?;
        let v: Value = serde_json::from_str(&text)
            .with_context(|| format!("the connection file {} is not JSON", path.display()))?;
        let scheme = v["signature_scheme"].as_str().unwrap_or("hmac-sha256");
        if scheme != "hmac-sha256" {
            bail!("signature scheme {scheme} is not supported (only hmac-sha256)");
        }
        let port = |name: &str| -> Result<u16> {
            v[name]
                .as_u64()
                .and_then(|p| u16::try_from(p).ok())
                .ok_or_else(|| anyhow!("the connection file has no valid {name}"))
        };
        Ok(ConnectionInfo {
            transport: v["transport"].as_str().unwrap_or("tcp").to_string(),
            ip: v["ip"].as_str().unwrap_or("127.0.0.1").to_string(),
            shell_port: port("shell_port")?,
            iopub_port: port("iopub_port")?,
            stdin_port: port("stdin_port")?,
            control_port: port("control_port")?,
            hb_port: port("hb_port")?,
            key: v["key"].as_str().unwrap_or("").to_string(),
        })
    }

    /// The ZeroMQ endpoint for one of the ports, e.g. `tcp://127.0.0.1:5555`.
    pub fn endpoint(&self, port: u16) -> String {
        format!("{}://{}:{}", self.transport, self.ip, port)
    }
}

/// Signs and verifies messages with the session key (no signature when the key is empty).
#[derive(Clone)]
pub struct Signer {
    mac: Option<Hmac<Sha256>>,
}

impl Signer {
    pub fn new(key: &str) -> Signer {
        let mac = (!key.is_empty()).then(|| {
            <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length")
        });
        Signer { mac }
    }

    fn signature(&self, frames: &[Bytes]) -> String {
        match &self.mac {
            None => String::new(),
            Some(mac) => {
                let mut mac = mac.clone();
                for frame in frames {
                    mac.update(frame);
                }
                hex::encode(mac.finalize().into_bytes())
            }
        }
    }
}

/// One Jupyter message.
#[derive(Debug, Clone)]
pub struct Message {
    /// ZeroMQ routing identities (the requester on ROUTER sockets, the topic on IOPub).
    pub identities: Vec<Bytes>,
    pub header: Value,
    pub parent_header: Value,
    pub metadata: Value,
    pub content: Value,
}

impl Message {
    /// The message type, e.g. `execute_request`.
    pub fn msg_type(&self) -> &str {
        self.header["msg_type"].as_str().unwrap_or("")
    }

    /// A new message caused by this one: same session, this message as parent.
    fn derived(&self, msg_type: &str, content: Value, identities: Vec<Bytes>) -> Message {
        let session = self.header["session"].as_str().unwrap_or("").to_string();
        Message {
            identities,
            header: new_header(msg_type, &session),
            parent_header: self.header.clone(),
            metadata: json!({}),
            content,
        }
    }

    /// The reply to this request, routed back to the client that sent it.
    pub fn reply(&self, msg_type: &str, content: Value) -> Message {
        self.derived(msg_type, content, self.identities.clone())
    }

    /// A message for IOPub (status, stream, display, error …) whose parent is this request.
    pub fn broadcast(&self, msg_type: &str, content: Value) -> Message {
        self.derived(msg_type, content, vec![Bytes::from(msg_type.to_string())])
    }

    /// Parses and verifies a multipart message received on a socket.
    pub fn decode(raw: ZmqMessage, signer: &Signer) -> Result<Message> {
        let frames = raw.into_vec();
        let at = frames
            .iter()
            .position(|f| f.as_ref() == DELIMITER)
            .ok_or_else(|| anyhow!("message without the <IDS|MSG> delimiter"))?;
        if frames.len() < at + 6 {
            bail!("message with {} frames after the delimiter, expected at least 5", frames.len() - at - 1);
        }
        let signature = &frames[at + 1];
        let json_frames = &frames[at + 2..at + 6];
        if signer.mac.is_some() && signature.as_ref() != signer.signature(json_frames).as_bytes() {
            bail!("message with a wrong signature (not from this kernel's front end)");
        }
        let parse = |i: usize| -> Result<Value> {
            serde_json::from_slice(&json_frames[i]).context("a message frame is not JSON")
        };
        Ok(Message {
            identities: frames[..at].to_vec(),
            header: parse(0)?,
            parent_header: parse(1)?,
            metadata: parse(2)?,
            content: parse(3)?,
        })
    }

    /// Serialises and signs the message for sending.
    pub fn encode(&self, signer: &Signer) -> ZmqMessage {
        let json_frames: Vec<Bytes> = [&self.header, &self.parent_header, &self.metadata, &self.content]
            .iter()
            .map(|v| Bytes::from(serde_json::to_vec(v).expect("JSON values serialise")))
            .collect();
        let mut frames = self.identities.clone();
        frames.push(Bytes::from_static(DELIMITER));
        frames.push(Bytes::from(signer.signature(&json_frames)));
        frames.extend(json_frames);
        ZmqMessage::try_from(frames).expect("a message has frames")
    }
}

/// A message header for a message the kernel starts.
pub fn new_header(msg_type: &str, session: &str) -> Value {
    json!({
        "msg_id": uuid::Uuid::new_v4().to_string(),
        "session": session,
        "username": "dlcourse-kernel",
        "date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "msg_type": msg_type,
        "version": "5.3",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Message {
        Message {
            identities: vec![Bytes::from_static(b"client-7")],
            header: new_header("execute_request", "s1"),
            parent_header: json!({}),
            metadata: json!({}),
            content: json!({"code": "1 + 1"}),
        }
    }

    #[test]
    fn a_signed_message_decodes_to_itself() {
        let signer = Signer::new("secret");
        let m = request();
        let back = Message::decode(m.encode(&signer), &signer).unwrap();
        assert_eq!(back.header, m.header);
        assert_eq!(back.content, m.content);
        assert_eq!(back.identities, m.identities);
    }

    #[test]
    fn a_message_signed_with_another_key_is_refused() {
        let m = request().encode(&Signer::new("other"));
        let err = Message::decode(m, &Signer::new("secret")).unwrap_err();
        assert!(err.to_string().contains("wrong signature"), "{err}");
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_the_four_json_frames() {
        // Independent value: Python's hmac.new(b"key", b"abcd", hashlib.sha256).hexdigest().
        let frames: Vec<Bytes> = ["a", "b", "c", "d"].iter().map(|s| Bytes::from(s.to_string())).collect();
        assert_eq!(
            Signer::new("key").signature(&frames),
            "2a31ec0ee8d878c9eece9fb0df79b3b90b2256240163aa5ee50d176d3d1121f8"
        );
    }

    #[test]
    fn a_reply_goes_back_to_the_requester_with_the_request_as_parent() {
        let m = request();
        let r = m.reply("execute_reply", json!({"status": "ok"}));
        assert_eq!(r.identities, m.identities);
        assert_eq!(r.parent_header["msg_id"], m.header["msg_id"]);
        assert_eq!(r.header["session"], "s1");
        let b = m.broadcast("status", json!({"execution_state": "busy"}));
        assert_eq!(b.identities, vec![Bytes::from_static(b"status")]);
    }
}
